package io.braid.orchestrator;

import io.braid.schema.registry.RegistryClientOptions;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the orchestrator registers Braid's schemas at start-up (see {@link SchemaSetup}).
 *
 * @param deadline      how long start-up waits for an unreachable registry (connection errors, timeouts, 5xx)
 *                      before it fails; 0 = one try. At most {@value #MAX_DEADLINE_MINUTES} minutes
 * @param retryPause    the pause between two rounds of registration while the registry is unreachable
 * @param compatibility the compatibility level set on each subject ({@code PUT /config/{subject}}), e.g.
 *                      {@code BACKWARD}; null leaves the registry's levels as they are
 * @param clock         measures the deadline
 * @param pause         takes the retry pause ({@link Thread#sleep(Duration)} unless a test injects another)
 */
public record SchemaSetupOptions(Duration deadline, Duration retryPause, String compatibility, Clock clock,
                                 RegistryClientOptions.Pause pause) {

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RETRY_PAUSE = Duration.ofSeconds(2);
    /** Braid's evolution rule (see braid.avdl): new readers read old data. */
    public static final String DEFAULT_COMPATIBILITY = "BACKWARD";
    static final int MAX_DEADLINE_MINUTES = 60;
    private static final Set<String> LEVELS = Set.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD",
            "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");

    public SchemaSetupOptions {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(retryPause, "retryPause");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pause, "pause");
        if (deadline.isNegative() || deadline.compareTo(Duration.ofMinutes(MAX_DEADLINE_MINUTES)) > 0) {
            throw new IllegalArgumentException("schema registration deadline " + deadline + " must be between 0 and "
                    + MAX_DEADLINE_MINUTES + " minutes, e.g. PT60S");
        }
        if (retryPause.isNegative() || retryPause.isZero() || retryPause.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("schema registration retry pause " + retryPause
                    + " must be positive and at most 1 minute, e.g. PT2S");
        }
        if (compatibility != null) {
            compatibility = compatibility.trim().toUpperCase(Locale.ROOT);
            if (!LEVELS.contains(compatibility)) {
                throw new IllegalArgumentException("schema compatibility level '" + compatibility
                        + "' is not one of " + LEVELS.stream().sorted().toList());
            }
        }
    }

    public static SchemaSetupOptions defaults() {
        return new SchemaSetupOptions(DEFAULT_DEADLINE, DEFAULT_RETRY_PAUSE, DEFAULT_COMPATIBILITY,
                Clock.systemUTC(), Thread::sleep);
    }

    public SchemaSetupOptions withDeadline(Duration value) {
        return new SchemaSetupOptions(value, retryPause, compatibility, clock, pause);
    }

    public SchemaSetupOptions withCompatibility(String value) {
        return new SchemaSetupOptions(deadline, retryPause, value, clock, pause);
    }

    public SchemaSetupOptions withTime(Clock value, RegistryClientOptions.Pause how) {
        return new SchemaSetupOptions(deadline, retryPause, compatibility, value, how);
    }
}
