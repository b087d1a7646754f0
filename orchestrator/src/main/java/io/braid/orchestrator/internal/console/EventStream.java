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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A job page's live updates as Server-Sent Events ({@code text/event-stream}): the job's timeline first, then each
 * change the index tells ({@code job}, {@code branch}, {@code note}, {@code partial}), a comment line every
 * {@link #KEEP_ALIVE} so proxies keep the connection. A page that reads too slowly to keep up with
 * {@code --console-stream-queue} updates gets {@code resync} (fetch the timeline again) instead of the updates it
 * missed. The page reads it with {@code fetch} (so it can send its bearer token), not {@code EventSource}. A stream
 * ends after {@code --console-stream-lifetime} (the page reconnects and gets the timeline again), and one caller
 * (token) may hold at most {@code --console-max-streams-per-token}, so one reader cannot take them all.
 */
final class EventStream {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final Map<String, Integer> openByCaller = new HashMap<>();
    private int open;
    private final int maxStreams;
    private final int maxPerCaller;
    private final int queueSize;
    private final Duration lifetime;
    private final Clock clock;
    private volatile boolean closed;

    EventStream(io.braid.orchestrator.ConsoleSettings settings, Clock clock) {
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
        AtomicBoolean overflowed = new AtomicBoolean();
        Runnable stop = jobs.follow(jobId, (name, json) -> {
            if (!queue.offer("event: " + name + "\ndata: " + json + "\n\n")) {
                overflowed.set(true);
            }
        });
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            write(out, "event: job\ndata: " + first + "\n\n");
            while (!closed) {
                String next = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (!clock.instant().isBefore(end)) {
                    return;
                }
                if (overflowed.getAndSet(false)) {
                    queue.clear();
                    next = "event: resync\ndata: {}\n\n";
                }
                write(out, next == null ? ": keep-alive\n\n" : next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the page went away
        } finally {
            stop.run();
            release(caller);
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
