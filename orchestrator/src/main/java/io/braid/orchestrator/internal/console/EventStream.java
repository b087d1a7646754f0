package io.braid.orchestrator.internal.console;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job page's live updates as Server-Sent Events ({@code text/event-stream}): the job's timeline first, then each
 * change the index tells ({@code job}, {@code branch}, {@code note}, {@code partial}), a comment line every
 * {@link #KEEP_ALIVE} so proxies keep the connection. A page that reads too slowly to keep up with
 * {@link #QUEUE} updates gets {@code resync} (fetch the timeline again) instead of the updates it missed. The page
 * reads it with {@code fetch} (so it can send its bearer token), not {@code EventSource}.
 */
final class EventStream {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    static final int QUEUE = 1_000;

    private final AtomicInteger open = new AtomicInteger();
    private final int maxStreams;
    private volatile boolean closed;

    EventStream(int maxStreams) {
        this.maxStreams = maxStreams;
    }

    /** Whether another stream may open now; when true the caller must call {@link #serve}. */
    boolean tryOpen() {
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    int maxStreams() {
        return maxStreams;
    }

    /** Streams {@code jobId}'s updates until the page goes away or the server closes; blocks the caller's thread. */
    void serve(HttpExchange exchange, JobIndex jobs, String jobId, String first) throws IOException {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
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
            open.decrementAndGet();
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
