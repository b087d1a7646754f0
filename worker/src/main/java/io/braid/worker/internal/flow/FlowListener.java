package io.braid.worker.internal.flow;

import java.time.Duration;

/** Hears what flow control does, per model: for the worker's metrics. */
public interface FlowListener {

    FlowListener NONE = new FlowListener() {
    };

    /** Model {@code model} is limited by {@code limiter}: report its allowed rate. */
    default void limited(String model, RateLimiter limiter) {
    }

    /** A call to {@code model} waited {@code wait} for its turn. */
    default void waited(String model, Duration wait) {
    }

    /** A call to {@code model} could not get its turn in time and its branch was given back. */
    default void noTurn(String model) {
    }

    /** {@code model} answered 429 (rate limited). */
    default void rateLimited(String model) {
    }

    /** A hedged call to {@code model} started. */
    default void hedged(String model) {
    }
}
