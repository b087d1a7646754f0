package io.braid.worker.internal.config;

/**
 * A fleet-wide limit on one model's calls ({@code rateLimits.<model>} in the worker config): what the provider allows
 * the whole fleet per minute. Each worker takes its share (see {@code internal/flow/ModelFlow}); either limit may be
 * absent.
 *
 * @param requestsPerMinute calls per minute for the whole fleet; null = no request limit
 * @param tokensPerMinute   input plus output tokens per minute for the whole fleet; null = no token limit
 * @param target            the fraction of the limits the fleet aims at, {@value #MIN_TARGET} to 1; null =
 *                          {@value #DEFAULT_TARGET}. The gap to the limit is room for each worker's short burst and
 *                          for a share misjudged while workers come and go, so the provider does not answer 429
 */
public record RateLimitSpec(Long requestsPerMinute, Long tokensPerMinute, Double target) {

    /** The most requests per minute a limit may name; more is surely a typo. */
    public static final long MAX_REQUESTS_PER_MINUTE = 10_000_000L;
    /** The most tokens per minute a limit may name. */
    public static final long MAX_TOKENS_PER_MINUTE = 100_000_000_000L;
    /**
     * The fraction of the limits a fleet aims at by default: 5 % below the provider's limit holds the fleet's bursts
     * (a fifth of a second each, see {@code RateLimiter.BURST}) inside any window of 4 s or more, and costs 5 % of
     * the rate.
     */
    public static final double DEFAULT_TARGET = 0.95;
    /** The lowest target: below half the limit a fleet wastes more than any burst or share error costs. */
    public static final double MIN_TARGET = 0.5;

    /** A limit aiming at the default fraction. */
    public RateLimitSpec(Long requestsPerMinute, Long tokensPerMinute) {
        this(requestsPerMinute, tokensPerMinute, null);
    }

    /** The fraction of the limits the fleet aims at: {@link #target} or {@link #DEFAULT_TARGET}. */
    public double targetOrDefault() {
        return target == null ? DEFAULT_TARGET : target;
    }

    /** What is wrong with this limit of model {@code model}, or null. */
    public String problem(String model) {
        String at = "rateLimits." + model;
        if (requestsPerMinute == null && tokensPerMinute == null) {
            return at + " sets no limit; give requestsPerMinute and/or tokensPerMinute";
        }
        if (target != null && !(target >= MIN_TARGET && target <= 1)) {
            return at + ".target " + target + " is outside " + MIN_TARGET + "..1 (the fraction of the limits the "
                    + "fleet aims at; default " + DEFAULT_TARGET + ")";
        }
        String requests = range(at + ".requestsPerMinute", requestsPerMinute, MAX_REQUESTS_PER_MINUTE);
        return requests != null ? requests : range(at + ".tokensPerMinute", tokensPerMinute, MAX_TOKENS_PER_MINUTE);
    }

    private static String range(String setting, Long value, long max) {
        if (value != null && (value < 1 || value > max)) {
            return setting + " " + value + " is outside 1.." + max + " (the whole fleet's limit per minute)";
        }
        return null;
    }
}
