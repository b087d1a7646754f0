package io.braid.worker.internal.models;

import dev.langchain4j.exception.HttpException;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider answered with an error status. Unlike langchain4j's own {@link HttpException} it keeps the wait the
 * provider asked for ({@code Retry-After} on a 429 or 503), so the worker's retry policy can honour it. langchain4j
 * maps it by status like any {@link HttpException} (429 → {@code RateLimitException}, 401 →
 * {@code AuthenticationException}, …) with this as the cause.
 */
public final class ProviderHttpException extends HttpException {

    private final Duration retryAfter;

    public ProviderHttpException(int statusCode, String message, Duration retryAfter) {
        super(statusCode, message);
        this.retryAfter = retryAfter;
    }

    /** The wait the provider asked for, if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
