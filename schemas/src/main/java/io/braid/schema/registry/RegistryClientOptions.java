package io.braid.schema.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SchemaRegistryClient} calls the registry: the timeout of one HTTP request and how a call that failed
 * transiently (connection error, timeout, 408, 429, 5xx) is tried again.
 *
 * <p>A call makes at most {@link #attempts} requests, pausing {@link #firstPause}, then twice that, and so on
 * between them, so the longest a call can take is {@code attempts * requestTimeout} plus the pauses (about 30.3 s
 * with the defaults). A call that still fails is answered with a {@link SchemaRegistryException} whose
 * {@link SchemaRegistryException#retriable()} is true; the caller decides whether to retry it later (the serdes
 * report it as {@code RegistryUnavailableException}).
 *
 * @param requestTimeout how long one request (and its connection) may take
 * @param attempts       requests per call, from 1 (no retry) to {@value #MAX_ATTEMPTS}
 * @param firstPause     the pause before the second request; each further pause doubles
 * @param pause          how a pause is taken: {@link Thread#sleep(Duration)} unless a test injects another
 */
public record RegistryClientOptions(Duration requestTimeout, int attempts, Duration firstPause, Pause pause) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_ATTEMPTS = 3;
    public static final Duration DEFAULT_FIRST_PAUSE = Duration.ofMillis(100);
    /** More attempts than this would hold a caller (a stream thread, a consumer loop) for minutes. */
    public static final int MAX_ATTEMPTS = 10;

    /** Takes a pause between two attempts of a call. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    public RegistryClientOptions {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(firstPause, "firstPause");
        Objects.requireNonNull(pause, "pause");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("registry request timeout " + requestTimeout
                    + " must be positive, e.g. PT10S");
        }
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("registry attempts " + attempts + " must be between 1 and "
                    + MAX_ATTEMPTS);
        }
        if (firstPause.isNegative()) {
            throw new IllegalArgumentException("registry retry pause " + firstPause + " must not be negative");
        }
    }

    public static RegistryClientOptions defaults() {
        return new RegistryClientOptions(DEFAULT_REQUEST_TIMEOUT, DEFAULT_ATTEMPTS, DEFAULT_FIRST_PAUSE,
                Thread::sleep);
    }

    public RegistryClientOptions withRequestTimeout(Duration timeout) {
        return new RegistryClientOptions(timeout, attempts, firstPause, pause);
    }

    public RegistryClientOptions withAttempts(int count) {
        return new RegistryClientOptions(requestTimeout, count, firstPause, pause);
    }

    public RegistryClientOptions withRetryPause(Duration first, Pause how) {
        return new RegistryClientOptions(requestTimeout, attempts, first, how);
    }

    /** The pause after failed attempt {@code attempt} (from 1): the first pause doubled {@code attempt - 1} times. */
    Duration pauseAfter(int attempt) {
        return firstPause.multipliedBy(1L << Math.min(attempt - 1, 20));
    }
}
