package io.braid.orchestrator;

import java.time.Duration;

/**
 * The web console's limits (served at {@code /console/} on the job API's port, when that is on).
 *
 * @param enabled          whether the console and its feed run (the feed reads the events, manifests, job-results
 *                         and tasks dead-letter topics)
 * @param maxJobs          the most jobs the console's in-memory index keeps; the oldest are dropped past it
 * @param maxBranches      the most branches of one job kept for its timeline; the rest are counted, not drawn
 * @param maxKeptBranches  the most branches kept over all jobs (what bounds the index's memory); past it the least
 *                         recently changed jobs are dropped
 * @param maxDeadLetters   the most dead letters kept for browsing; the oldest are dropped past it
 * @param history          how far back the feed reads the topics when the orchestrator starts
 * @param maxStreams       the most live event streams (one per open job page) served at once; more are answered 429
 * @param maxOutputChars   the most characters of a branch's output (or prompt) shown inline; the rest is behind a link
 */
public record ConsoleSettings(boolean enabled, int maxJobs, int maxBranches, int maxKeptBranches, int maxDeadLetters,
                              Duration history, int maxStreams, int maxOutputChars) {

    public static final int DEFAULT_MAX_JOBS = 1_000;
    public static final int DEFAULT_MAX_BRANCHES = 2_000;
    public static final int DEFAULT_MAX_KEPT_BRANCHES = 100_000;
    public static final int DEFAULT_MAX_DEAD_LETTERS = 1_000;
    public static final Duration DEFAULT_HISTORY = Duration.ofHours(1);
    public static final int DEFAULT_MAX_STREAMS = 32;
    public static final int DEFAULT_MAX_OUTPUT_CHARS = 16 * 1024;

    /** The console on, with the defaults. */
    public static ConsoleSettings defaults() {
        return new ConsoleSettings(true, DEFAULT_MAX_JOBS, DEFAULT_MAX_BRANCHES, DEFAULT_MAX_KEPT_BRANCHES,
                DEFAULT_MAX_DEAD_LETTERS, DEFAULT_HISTORY, DEFAULT_MAX_STREAMS, DEFAULT_MAX_OUTPUT_CHARS);
    }

    /** The console off: no feed, no pages. */
    public static ConsoleSettings off() {
        return defaults().withEnabled(false);
    }

    public ConsoleSettings {
        java.util.Objects.requireNonNull(history, "history");
        check("console max jobs (--console-max-jobs)", maxJobs, 1, 1_000_000);
        check("console max branches (--console-max-branches)", maxBranches, 1, 100_000);
        check("console max kept branches (--console-max-kept-branches)", maxKeptBranches, maxBranches, 10_000_000);
        check("console max dead letters (--console-max-dead-letters)", maxDeadLetters, 1, 1_000_000);
        check("console max streams (--console-max-streams)", maxStreams, 1, 10_000);
        check("console max output chars (--console-max-output-chars)", maxOutputChars, 100, 16 * 1024 * 1024);
        if (history.isNegative() || history.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("console history (--console-history) " + history
                    + " must be between 0 and 7 days; the default is " + DEFAULT_HISTORY);
        }
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " = " + value + " must be between " + min + " and " + max);
        }
    }

    public ConsoleSettings withEnabled(boolean value) {
        return new ConsoleSettings(value, maxJobs, maxBranches, maxKeptBranches, maxDeadLetters, history, maxStreams,
                maxOutputChars);
    }

    public ConsoleSettings withMaxOutputChars(int value) {
        return new ConsoleSettings(enabled, maxJobs, maxBranches, maxKeptBranches, maxDeadLetters, history, maxStreams,
                value);
    }

    public ConsoleSettings withMaxJobs(int value) {
        return new ConsoleSettings(enabled, value, maxBranches, maxKeptBranches, maxDeadLetters, history, maxStreams,
                maxOutputChars);
    }

    public ConsoleSettings withMaxStreams(int value) {
        return new ConsoleSettings(enabled, maxJobs, maxBranches, maxKeptBranches, maxDeadLetters, history, value,
                maxOutputChars);
    }

    public ConsoleSettings withHistory(Duration value) {
        return new ConsoleSettings(enabled, maxJobs, maxBranches, maxKeptBranches, maxDeadLetters, value, maxStreams,
                maxOutputChars);
    }
}
