package io.braid.worker.internal.config;

/**
 * A fleet-wide limit on one model's calls ({@code rateLimits.<model>} in the worker config): what the provider allows
 * the whole fleet per minute. Each worker takes its share (see {@code internal/flow/ModelFlow}); either limit may be
 * absent.
 *
 * @param requestsPerMinute calls per minute for the whole fleet; null = no request limit
 * @param tokensPerMinute   input plus output tokens per minute for the whole fleet; null = no token limit
 */
public record RateLimitSpec(Long requestsPerMinute, Long tokensPerMinute) {

    /** The most requests per minute a limit may name; more is surely a typo. */
    public static final long MAX_REQUESTS_PER_MINUTE = 10_000_000L;
    /** The most tokens per minute a limit may name. */
    public static final long MAX_TOKENS_PER_MINUTE = 100_000_000_000L;

    /** What is wrong with this limit of model {@code model}, or null. */
    public String problem(String model) {
        String at = "rateLimits." + model;
        if (requestsPerMinute == null && tokensPerMinute == null) {
            return at + " sets no limit; give requestsPerMinute and/or tokensPerMinute";
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
