package io.braid.bench.internal;

/**
 * How big the flow-control scenarios of issue 20 are ({@code braid bench --rate-limit-branches} and the like):
 * the sizes by default, smaller for a smoke run.
 *
 * @param rateLimitBranches branches of each {@code rate-limit} run (default 2,000)
 * @param fairnessBranches  branches of the big job of {@code fairness} (default 10,000)
 * @param hedgingJobs       jobs per mode of each {@code hedging} run (default 200)
 * @param inFlightBranches  the worker's in-flight limit in {@code in-flight} (default 10,000)
 */
public record FlowSizes(int rateLimitBranches, int fairnessBranches, int hedgingJobs, int inFlightBranches) {

    public static final FlowSizes DEFAULTS = new FlowSizes(2_000, 10_000, 200, 10_000);

    /** The most branches in flight {@code in-flight} asks one worker for (the worker's own cap is 100,000). */
    public static final int MAX_IN_FLIGHT = 50_000;

    public FlowSizes {
        atLeast100("--rate-limit-branches", rateLimitBranches);
        atLeast100("--fairness-branches", fairnessBranches);
        atLeast100("--hedging-jobs", hedgingJobs);
        atLeast100("--in-flight-branches", inFlightBranches);
        if (inFlightBranches > MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("--in-flight-branches " + inFlightBranches + " is more than "
                    + MAX_IN_FLIGHT + "; the scenario measures one worker's memory, choose a value up to that");
        }
    }

    private static void atLeast100(String option, int value) {
        if (value < 100) {
            throw new IllegalArgumentException(option + " " + value + " is too small to measure; use 100 or more");
        }
    }
}
