package io.braid.worker.internal.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Collectors;

/**
 * What keeps the worker from being ready, by the part of it that reported it, as {@code /health} shows it: a part
 * that stopped for good (a consumer or control loop ended by an unexpected failure, an {@link Error} included: the
 * worker is neither live nor ready, restart it), or a passing trouble (the schema registry unreachable: not ready
 * until the part clears it, or until {@link #STALE_AFTER} passes without it being reported again, since a quiet
 * worker may not try again soon). Thread-safe; the parts report, {@code Worker.health()} reads.
 */
public final class HealthProblems {

    private static final Logger log = LoggerFactory.getLogger(HealthProblems.class);

    /** How long a passing trouble counts without being reported again. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(30);

    private record Problem(String reason, Instant since, Instant lastSeen, boolean fatal) {
    }

    private final Map<String, Problem> problems = new ConcurrentSkipListMap<>();
    private final Clock clock;

    public HealthProblems(Clock clock) {
        this.clock = clock;
    }

    /** {@code part} stopped for good because of {@code failure}: logged, and the worker is not live nor ready. */
    public void died(String part, Throwable failure) {
        log.error("{} stopped by an unexpected failure; the worker reports not live and not ready", part, failure);
        Instant now = clock.instant();
        problems.put(part, new Problem(part + " stopped: " + failure, now, now, true));
    }

    /** {@code part} cannot work for now, for {@code reason}: not ready until {@link #clear}. Kept from the first. */
    public void report(String part, String reason) {
        Instant now = clock.instant();
        problems.compute(part, (name, old) -> old != null && old.fatal() ? old
                : new Problem(reason, old != null && current(old, now) ? old.since() : now, now, false));
    }

    /** {@code part}'s passing trouble is over; a part that stopped stays reported. */
    public void clear(String part) {
        problems.computeIfPresent(part, (name, old) -> old.fatal() ? old : null);
    }

    /** True when a part stopped for good. */
    public boolean fatal() {
        return problems.values().stream().anyMatch(Problem::fatal);
    }

    /** True when nothing is reported (or only passing troubles gone stale). */
    public boolean none() {
        return summary() == null;
    }

    /** Every current problem with its part and since when, or null when there is none. */
    public String summary() {
        Instant now = clock.instant();
        String summary = problems.entrySet().stream().filter(e -> current(e.getValue(), now))
                .map(e -> e.getKey() + ": " + e.getValue().reason() + " (since " + e.getValue().since() + ")")
                .collect(Collectors.joining("; "));
        return summary.isEmpty() ? null : summary;
    }

    private static boolean current(Problem problem, Instant now) {
        return problem.fatal() || Duration.between(problem.lastSeen(), now).compareTo(STALE_AFTER) < 0;
    }
}
