package io.braid.worker.internal.models;

import dev.langchain4j.exception.NonRetriableException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A model's response body that may not run past {@code limit} bytes: the read that would pass it throws
 * {@link TooLargeException} instead of handing the bytes on, so a provider sending an endless line (or an endless
 * stream) fails its own call and never fills the worker's heap. With an idle limit, a body that sends no byte for
 * that long is closed by a watchdog and its read fails with {@link IdleException}: the JDK's request timeout stops
 * at the response headers, so without it a stalled stream would wait for the branch's attempt timeout.
 */
final class BoundedBody extends FilterInputStream {

    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                    .name("braid-model-read-watchdog").factory());

    private final long limit;
    private final String what;
    private final java.time.Duration idle;
    private long read;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean idleTripped;
    private volatile java.util.concurrent.ScheduledFuture<?> watch;

    /**
     * @param what names the answer and the setting, e.g. "the answer from http://host (models.fast.maxResponseBytes)"
     * @param idle the longest wait for the next byte; null = none
     */
    BoundedBody(InputStream body, long limit, String what, java.time.Duration idle) {
        super(body);
        this.limit = limit;
        this.what = what;
        this.idle = idle;
        if (idle != null) {
            watch = WATCHDOG.schedule(this::checkIdle, idle.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        long left = lastProgressNanos + idle.toNanos() - System.nanoTime();
        if (left > 0) {
            watch = WATCHDOG.schedule(this::checkIdle, left, java.util.concurrent.TimeUnit.NANOSECONDS);
            return;
        }
        idleTripped = true;
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // the read it unblocks reports the idle failure
        }
    }

    /** Whether the watchdog closed the body for want of bytes. */
    boolean idled() {
        return idleTripped;
    }

    /** The failure an idle body is, for the caller to throw. */
    dev.langchain4j.exception.TimeoutException idleFailure() {
        return new dev.langchain4j.exception.TimeoutException(what.replaceFirst(" \\(.*\\)$", "")
                + " sent nothing for " + idle.toMillis() + " ms (the model's timeout)");
    }

    @Override
    public void close() throws IOException {
        java.util.concurrent.ScheduledFuture<?> pending = watch;
        if (pending != null) {
            pending.cancel(false);
        }
        super.close();
    }

    @Override
    public int read() throws IOException {
        int b = guarded(super::read);
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = guarded(() -> super.read(buffer, offset, (int) Math.min(length, limit - read + 1)));
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, limit - read + 1));
        count(skipped);
        return skipped;
    }

    private interface Read {
        int run() throws IOException;
    }

    /** The read, or the idle failure when the watchdog closed the body under it. */
    private int guarded(Read read) throws IOException {
        int n;
        try {
            n = read.run();
        } catch (IOException e) {
            if (idleTripped) {
                throw new IdleException(idleFailure());
            }
            throw e;
        }
        if (n < 0 && idleTripped) {
            throw new IdleException(idleFailure());
        }
        return n;
    }

    private void count(long n) throws TooLargeException {
        lastProgressNanos = System.nanoTime();
        read += n;
        if (read > limit) {
            throw new TooLargeException(new ResponseTooLargeException(what + " exceeded " + limit + " bytes"));
        }
    }

    /**
     * The answer passed the limit. Not retriable: the same request to the same provider sends the same flood again
     * (a broken or hostile endpoint, or an answer larger than this worker accepts); raising the limit is the fix.
     */
    static final class ResponseTooLargeException extends NonRetriableException {
        ResponseTooLargeException(String message) {
            super(message);
        }
    }

    /** The limit, as the I/O failure a reader (langchain4j's event parser) passes on; {@link #failure()} is it. */
    static final class TooLargeException extends IOException {
        private final ResponseTooLargeException failure;

        TooLargeException(ResponseTooLargeException failure) {
            super(failure.getMessage());
            this.failure = failure;
        }

        ResponseTooLargeException failure() {
            return failure;
        }
    }

    /** No byte for the idle limit, as the I/O failure a reader passes on; {@link #failure()} is it (retriable). */
    static final class IdleException extends IOException {
        private final dev.langchain4j.exception.TimeoutException failure;

        IdleException(dev.langchain4j.exception.TimeoutException failure) {
            super(failure.getMessage());
            this.failure = failure;
        }

        dev.langchain4j.exception.TimeoutException failure() {
            return failure;
        }
    }
}
