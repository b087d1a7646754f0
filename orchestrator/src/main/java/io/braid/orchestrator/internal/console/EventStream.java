package io.braid.orchestrator.internal.console;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job page's live updates as Server-Sent Events ({@code text/event-stream}): the job's timeline first, then each
 * change the index tells ({@code job}, {@code branch}, {@code note}, {@code partial}), a comment line every
 * {@link #KEEP_ALIVE} so proxies keep the connection. A page that reads too slowly to keep up with
 * {@code --console-stream-queue} updates gets {@code resync} (fetch the timeline again) instead of the updates it
 * missed; the queue holds at most {@code --console-stream-queue} updates and {@link #BYTES_PER_UPDATE} times as many
 * bytes. The page reads it with {@code fetch} (so it can send its bearer token), not {@code EventSource}. A stream
 * ends after {@code --console-stream-lifetime} (the page reconnects and gets the timeline again), and one caller
 * (token) may hold at most {@code --console-max-streams-per-token}, so one reader cannot take them all. A reader
 * that stops reading blocks its stream's writes; a watchdog ends such a stream twice {@link #KEEP_ALIVE} after its
 * lifetime (a stream that is read ends by then itself) from outside: it stops following the job, drops the queue, frees the slot and closes the exchange.
 */
final class EventStream {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** The average bytes an update may take in a stream's queue: its bytes are bounded by this × its updates. */
    static final int BYTES_PER_UPDATE = 1024;

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("braid-console-stream-watchdog").factory());

    private final Map<String, Integer> openByCaller = new HashMap<>();
    private int open;
    private final int maxStreams;
    private final int maxPerCaller;
    private final int queueSize;
    private final Duration lifetime;
    private final Duration watchdogAfter;
    private final Clock clock;
    private volatile boolean closed;

    EventStream(io.braid.orchestrator.ConsoleSettings settings, Clock clock) {
        this(settings, clock, settings.streamLifetime().plus(KEEP_ALIVE.multipliedBy(2)));
    }

    /** As above, the watchdog ending a stream still open {@code watchdogAfter} after it opened (real time). */
    EventStream(io.braid.orchestrator.ConsoleSettings settings, Clock clock, Duration watchdogAfter) {
        this.watchdogAfter = watchdogAfter;
        this.maxStreams = settings.maxStreams();
        this.maxPerCaller = settings.maxStreamsPerToken();
        this.queueSize = settings.streamQueue();
        this.lifetime = settings.streamLifetime();
        this.clock = clock;
    }

    /**
     * Opens a stream for {@code caller} when the limits allow; empty when opened (then the caller must call
     * {@link #serve}), else why not, naming the limit.
     */
    synchronized Optional<String> tryOpen(String caller) {
        if (open >= maxStreams) {
            return Optional.of("already " + maxStreams + " live streams open (--console-max-streams);"
                    + " close a job page or try again shortly");
        }
        int mine = openByCaller.getOrDefault(caller, 0);
        if (mine >= maxPerCaller) {
            return Optional.of("token '" + caller + "' already holds " + mine + " live streams, the most one token may"
                    + " (--console-max-streams-per-token); close a job page or try again shortly");
        }
        open++;
        openByCaller.put(caller, mine + 1);
        return Optional.empty();
    }

    private synchronized void release(String caller) {
        open--;
        openByCaller.computeIfPresent(caller, (c, n) -> n == 1 ? null : n - 1);
    }

    /**
     * Streams {@code jobId}'s updates to {@code caller} (opened by {@link #tryOpen}) until the page goes away, the
     * server closes or {@code --console-stream-lifetime} passes; blocks the caller's thread.
     */
    void serve(HttpExchange exchange, JobIndex jobs, String jobId, String first, String caller) throws IOException {
        Instant end = clock.instant().plus(lifetime);
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(queueSize);
        AtomicLong queuedBytes = new AtomicLong();
        long maxBytes = (long) queueSize * BYTES_PER_UPDATE;
        AtomicBoolean overflowed = new AtomicBoolean();
        Runnable stop = jobs.follow(jobId, (name, json) -> {
            String update = "event: " + name + "\ndata: " + json + "\n\n";
            if (queuedBytes.addAndGet(update.length()) > maxBytes || !queue.offer(update)) {
                queuedBytes.addAndGet(-update.length());
                overflowed.set(true);
            }
        });
        AtomicBoolean ended = new AtomicBoolean();
        Runnable finish = () -> {
            if (ended.compareAndSet(false, true)) {
                stop.run();
                queue.clear();
                release(caller);
            }
        };
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            if (!ended.get()) {
                finish.run();
                Thread.ofVirtual().start(exchange::close); // may block on the stalled socket: not on this thread
            }
        }, watchdogAfter.toMillis(), TimeUnit.MILLISECONDS);
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            write(out, "event: job\ndata: " + first + "\n\n");
            while (!closed && !ended.get()) {
                String next = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (next != null) {
                    queuedBytes.addAndGet(-next.length());
                }
                if (!clock.instant().isBefore(end)) {
                    return;
                }
                if (overflowed.getAndSet(false)) {
                    queue.clear();
                    queuedBytes.set(0);
                    next = "event: resync\ndata: {}\n\n";
                }
                write(out, next == null ? ": keep-alive\n\n" : next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the page went away
        } finally {
            watchdog.cancel(false);
            finish.run();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void close() {
        closed = true;
    }
}
