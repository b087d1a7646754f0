package io.braid.worker.internal.models;

import dev.langchain4j.exception.NonRetriableException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A model's response body that may not run past {@code limit} bytes: the read that would pass it throws
 * {@link TooLargeException} instead of handing the bytes on, so a provider sending an endless line (or an endless
 * stream) fails its own call and never fills the worker's heap.
 */
final class BoundedBody extends FilterInputStream {

    private final long limit;
    private final String what;
    private long read;

    /** @param what names the answer and the setting, e.g. "the answer from http://host (models.fast.maxResponseBytes)" */
    BoundedBody(InputStream body, long limit, String what) {
        super(body);
        this.limit = limit;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, (int) Math.min(length, limit - read + 1));
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

    private void count(long n) throws TooLargeException {
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
}
