package io.braid.orchestrator;

import java.time.Duration;
import java.util.Objects;

/**
 * The web console's limits (served at {@code /console/} on the job API's port, when that is on). Every bound the
 * console keeps is here, with its default written once below; each is checked here and named by its option in the
 * error that enforces it.
 *
 * @param enabled            whether the console and its feed run (the feed reads the events, manifests, job-results
 *                           and tasks dead-letter topics)
 * @param maxJobs            the most jobs the console's in-memory index keeps; the oldest are dropped past it
 * @param maxBranches        the most branches of one job kept for its timeline; the rest are counted, not drawn
 * @param maxKeptBranches    the most branches kept over all jobs (what bounds the index's memory); past it the least
 *                           recently changed jobs are dropped
 * @param maxDeadLetters     the most dead letters kept for browsing; the oldest are dropped past it
 * @param history            how far back the feed reads the topics when the orchestrator starts
 * @param maxStreams         the most live event streams (one per open job page) served at once; more are answered
 *                           429
 * @param maxOutputChars     the most characters of a branch's output (or prompt) shown inline; the rest is behind a
 *                           link
 * @param maxNameChars       the most characters of a name (job, branch, worker, model id, tenant, error class) kept
 * @param streamLifetime     the longest a live stream stays open (the page then opens another)
 * @param maxStreamsPerToken the most live streams one token holds at once, so one reader cannot take them all
 *                           (a value at or above {@code maxStreams} leaves only that limit)
 * @param streamQueue        the most updates waiting for a slow stream reader; past it the page is told to resync
 * @param maxWorkers         the most workers the fleet page keeps (the least recently seen dropped)
 * @param maxModels          the most models the fleet page keeps by name (the rest counted together)
 * @param maxRows            the most rows a list (jobs, dead letters) answers, whatever the page asks
 * @param forwardTimeout     how long an answer forwarded from the instance holding a job may take (a branch's detail
 *                           here; {@code GET /jobs/{id}} and a replay's dry run on the job API, console on or off)
 *                           before 502
 * @param maxForwardBytes    the largest answer accepted from the instance holding a job (the same requests) before
 *                           502
 */
public record ConsoleSettings(boolean enabled, int maxJobs, int maxBranches, int maxKeptBranches, int maxDeadLetters,
                              Duration history, int maxStreams, int maxOutputChars, int maxNameChars,
                              Duration streamLifetime, int maxStreamsPerToken, int streamQueue, int maxWorkers,
                              int maxModels, int maxRows, Duration forwardTimeout, int maxForwardBytes) {

    public static final int DEFAULT_MAX_JOBS = 1_000;
    public static final int DEFAULT_MAX_BRANCHES = 2_000;
    public static final int DEFAULT_MAX_KEPT_BRANCHES = 100_000;
    public static final int DEFAULT_MAX_DEAD_LETTERS = 1_000;
    public static final Duration DEFAULT_HISTORY = Duration.ofHours(1);
    public static final int DEFAULT_MAX_STREAMS = 32;
    public static final int DEFAULT_MAX_OUTPUT_CHARS = 16 * 1024;
    public static final int DEFAULT_MAX_NAME_CHARS = 256;
    public static final Duration DEFAULT_STREAM_LIFETIME = Duration.ofMinutes(10);
    /** A quarter of {@link #DEFAULT_MAX_STREAMS}. */
    public static final int DEFAULT_MAX_STREAMS_PER_TOKEN = 8;
    public static final int DEFAULT_STREAM_QUEUE = 1_000;
    public static final int DEFAULT_MAX_WORKERS = 1_000;
    public static final int DEFAULT_MAX_MODELS = 200;
    public static final int DEFAULT_MAX_ROWS = 500;
    public static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_FORWARD_BYTES = 16 * 1024 * 1024;

    /** The console on, with the defaults. */
    public static ConsoleSettings defaults() {
        return new Builder().build();
    }

    /** The console off: no feed, no pages. */
    public static ConsoleSettings off() {
        return defaults().withEnabled(false);
    }

    public ConsoleSettings {
        check("console max jobs (--console-max-jobs)", maxJobs, 1, 1_000_000);
        check("console max branches (--console-max-branches)", maxBranches, 1, 100_000);
        check("console max kept branches (--console-max-kept-branches)", maxKeptBranches, maxBranches, 10_000_000);
        check("console max dead letters (--console-max-dead-letters)", maxDeadLetters, 1, 1_000_000);
        check("console max streams (--console-max-streams)", maxStreams, 1, 10_000);
        check("console max output chars (--console-max-output-chars)", maxOutputChars, 100, 16 * 1024 * 1024);
        check("console max name chars (--console-max-name-chars)", maxNameChars, 16, 64 * 1024);
        check("console max streams per token (--console-max-streams-per-token)", maxStreamsPerToken, 1, 10_000);
        check("console stream queue (--console-stream-queue)", streamQueue, 10, 1_000_000);
        check("console max workers (--console-max-workers)", maxWorkers, 1, 1_000_000);
        check("console max models (--console-max-models)", maxModels, 1, 100_000);
        check("console max rows (--console-max-rows)", maxRows, 1, 100_000);
        check("max forward bytes (--max-forward-bytes)", maxForwardBytes, 64 * 1024,
                1024 * 1024 * 1024);
        check("console history (--console-history)", history, Duration.ZERO, Duration.ofDays(7), DEFAULT_HISTORY);
        check("console stream lifetime (--console-stream-lifetime)", streamLifetime, Duration.ofSeconds(10),
                Duration.ofDays(1), DEFAULT_STREAM_LIFETIME);
        check("forward timeout (--forward-timeout)", forwardTimeout, Duration.ofMillis(100),
                Duration.ofMinutes(10), DEFAULT_FORWARD_TIMEOUT);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " = " + value + " must be between " + min + " and " + max);
        }
    }

    private static void check(String name, Duration value, Duration min, Duration max, Duration fallback) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " " + value + " must be between " + min + " and " + max
                    + "; the default is " + fallback);
        }
    }

    /** A builder from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder from these settings. */
    public Builder toBuilder() {
        return new Builder().enabled(enabled).maxJobs(maxJobs).maxBranches(maxBranches)
                .maxKeptBranches(maxKeptBranches).maxDeadLetters(maxDeadLetters).history(history)
                .maxStreams(maxStreams).maxOutputChars(maxOutputChars).maxNameChars(maxNameChars)
                .streamLifetime(streamLifetime).maxStreamsPerToken(maxStreamsPerToken).streamQueue(streamQueue)
                .maxWorkers(maxWorkers).maxModels(maxModels).maxRows(maxRows).forwardTimeout(forwardTimeout)
                .maxForwardBytes(maxForwardBytes);
    }

    public ConsoleSettings withEnabled(boolean value) {
        return toBuilder().enabled(value).build();
    }

    public ConsoleSettings withMaxOutputChars(int value) {
        return toBuilder().maxOutputChars(value).build();
    }

    public ConsoleSettings withMaxJobs(int value) {
        return toBuilder().maxJobs(value).build();
    }

    public ConsoleSettings withMaxStreams(int value) {
        return toBuilder().maxStreams(value).build();
    }

    public ConsoleSettings withHistory(Duration value) {
        return toBuilder().history(value).build();
    }

    /** Settings field by field, from the defaults; {@link #build()} checks them. */
    public static final class Builder {
        private boolean enabled = true;
        private int maxJobs = DEFAULT_MAX_JOBS;
        private int maxBranches = DEFAULT_MAX_BRANCHES;
        private int maxKeptBranches = DEFAULT_MAX_KEPT_BRANCHES;
        private int maxDeadLetters = DEFAULT_MAX_DEAD_LETTERS;
        private Duration history = DEFAULT_HISTORY;
        private int maxStreams = DEFAULT_MAX_STREAMS;
        private int maxOutputChars = DEFAULT_MAX_OUTPUT_CHARS;
        private int maxNameChars = DEFAULT_MAX_NAME_CHARS;
        private Duration streamLifetime = DEFAULT_STREAM_LIFETIME;
        private int maxStreamsPerToken = DEFAULT_MAX_STREAMS_PER_TOKEN;
        private int streamQueue = DEFAULT_STREAM_QUEUE;
        private int maxWorkers = DEFAULT_MAX_WORKERS;
        private int maxModels = DEFAULT_MAX_MODELS;
        private int maxRows = DEFAULT_MAX_ROWS;
        private Duration forwardTimeout = DEFAULT_FORWARD_TIMEOUT;
        private int maxForwardBytes = DEFAULT_MAX_FORWARD_BYTES;

        private Builder() {
        }

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public Builder maxJobs(int value) {
            maxJobs = value;
            return this;
        }

        public Builder maxBranches(int value) {
            maxBranches = value;
            return this;
        }

        public Builder maxKeptBranches(int value) {
            maxKeptBranches = value;
            return this;
        }

        public Builder maxDeadLetters(int value) {
            maxDeadLetters = value;
            return this;
        }

        public Builder history(Duration value) {
            history = value;
            return this;
        }

        public Builder maxStreams(int value) {
            maxStreams = value;
            return this;
        }

        public Builder maxOutputChars(int value) {
            maxOutputChars = value;
            return this;
        }

        public Builder maxNameChars(int value) {
            maxNameChars = value;
            return this;
        }

        public Builder streamLifetime(Duration value) {
            streamLifetime = value;
            return this;
        }

        public Builder maxStreamsPerToken(int value) {
            maxStreamsPerToken = value;
            return this;
        }

        public Builder streamQueue(int value) {
            streamQueue = value;
            return this;
        }

        public Builder maxWorkers(int value) {
            maxWorkers = value;
            return this;
        }

        public Builder maxModels(int value) {
            maxModels = value;
            return this;
        }

        public Builder maxRows(int value) {
            maxRows = value;
            return this;
        }

        public Builder forwardTimeout(Duration value) {
            forwardTimeout = value;
            return this;
        }

        public Builder maxForwardBytes(int value) {
            maxForwardBytes = value;
            return this;
        }

        public ConsoleSettings build() {
            return new ConsoleSettings(enabled, maxJobs, maxBranches, maxKeptBranches, maxDeadLetters, history,
                    maxStreams, maxOutputChars, maxNameChars, streamLifetime, maxStreamsPerToken, streamQueue,
                    maxWorkers, maxModels, maxRows, forwardTimeout, maxForwardBytes);
        }
    }
}
