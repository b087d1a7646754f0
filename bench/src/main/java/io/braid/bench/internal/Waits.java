package io.braid.bench.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** The benchmarks' one way to wait for a condition: look every 50 ms, give up after a deadline. */
final class Waits {

    private Waits() {
    }

    /** Whether {@code condition} came true within {@code timeout}. */
    static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return true;
    }

    /** As {@link #until}, failing with {@code failure} when the condition did not come true. */
    static void orFail(Duration timeout, BooleanSupplier condition, String failure) {
        if (!until(timeout, condition)) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * Sleeps until {@code System.nanoTime()} reaches {@code atNanos}: a schedule (a load's rate, a sampling
     * interval), not a wait for a condition. False when interrupted (the interrupt is kept).
     */
    static boolean sleepUntil(long atNanos) {
        long ahead = atNanos - System.nanoTime();
        try {
            if (ahead > 0) {
                Thread.sleep(Duration.ofNanos(ahead));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
