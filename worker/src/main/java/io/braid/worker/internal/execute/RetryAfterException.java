package io.braid.worker.internal.execute;

import dev.langchain4j.exception.RetriableException;

import java.time.Duration;
import java.util.Objects;

/**
 * A retriable failure that says how long to wait before trying again — an HTTP 429 or 503 with a
 * {@code Retry-After} header, a provider's "try again in 20 s". Model and tool adapters throw it; the retry
 * policy waits at least {@link #retryAfter()} before the next attempt.
 */
public class RetryAfterException extends RetriableException {

    private final Duration retryAfter;

    public RetryAfterException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = requireNonNegative(retryAfter);
    }

    public RetryAfterException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = requireNonNegative(retryAfter);
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    private static Duration requireNonNegative(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("Retry-After " + retryAfter + " is negative");
        }
        return retryAfter;
    }
}
