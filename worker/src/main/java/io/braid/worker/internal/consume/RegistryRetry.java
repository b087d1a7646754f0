package io.braid.worker.internal.consume;

import io.braid.schema.serde.RegistryUnavailableException;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.observe.HealthProblems;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Serde calls that need the schema registry, asked again while it is unavailable ({@link
 * RegistryUnavailableException}: unreachable, timed out, 5xx) — after {@link #FIRST_DELAY}, doubling up to
 * {@link #MAX_DELAY}, for at most {@code maxWait} — instead of treating a record that may be fine as bad. While
 * it is unavailable the worker reports not ready ({@link #PART}); the first call that succeeds clears that.
 */
public final class RegistryRetry {

    /** The part of the worker a registry outage is reported under. */
    public static final String PART = "schema registry";
    public static final Duration FIRST_DELAY = Duration.ofMillis(100);
    public static final Duration MAX_DELAY = Duration.ofSeconds(10);

    private final HealthProblems health;
    private final Clock clock;
    private final BranchRunner.Sleeper sleeper;
    private final Duration maxWait;

    public RegistryRetry(HealthProblems health, Clock clock, BranchRunner.Sleeper sleeper, Duration maxWait) {
        this.health = health;
        this.clock = clock;
        this.sleeper = sleeper;
        this.maxWait = maxWait;
    }

    /**
     * The value of {@code call}, asked again after a backoff while it throws {@link RegistryUnavailableException};
     * once {@code maxWait} has passed, the last such exception is thrown. Any other failure is thrown at once.
     */
    public <T> T call(Supplier<T> call) throws InterruptedException {
        Instant deadline = clock.instant().plus(maxWait);
        Duration delay = FIRST_DELAY;
        while (true) {
            try {
                T value = call.get();
                health.clear(PART);
                return value;
            } catch (RegistryUnavailableException e) {
                health.report(PART, e.getMessage());
                Duration left = Duration.between(clock.instant(), deadline);
                if (!left.isPositive()) {
                    throw e;
                }
                sleeper.sleep(delay.compareTo(left) < 0 ? delay : left);
                delay = delay.multipliedBy(2).compareTo(MAX_DELAY) < 0 ? delay.multipliedBy(2) : MAX_DELAY;
            }
        }
    }
}
