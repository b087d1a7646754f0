package io.braid.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The sliding window of {@link RateLimitedModelServer}: the requests it accepted during the last {@code window},
 * each with its tokens, and whether one more fits under both limits. Not thread-safe; the server serializes calls.
 */
final class RateWindow {

    /** One accepted request: when (ms of the server's clock) and how many tokens it was charged. */
    private record Entry(long atMillis, long tokens) {
    }

    /** Whether a request was admitted; if not, which limit refused it and how long until it would fit. */
    record Admission(boolean admitted, String limit, Duration retryAfter, int remainingRequests,
                     long remainingTokens) {
    }

    private final long windowMillis;
    private final int maxRequests;
    private final long maxTokens;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long tokensInWindow;

    RateWindow(Duration window, int maxRequests, long maxTokens) {
        this.windowMillis = window.toMillis();
        this.maxRequests = maxRequests;
        this.maxTokens = maxTokens;
    }

    /** Admits a request of {@code tokens} at {@code nowMillis} if both limits allow it, and records it if so. */
    Admission admit(long nowMillis, long tokens) {
        evictBefore(nowMillis - windowMillis);
        if (tokens > maxTokens) {
            return new Admission(false, "request too large: " + tokens + " tokens, more than the " + maxTokens
                    + " tokens the window allows", Duration.ofMillis(windowMillis), remainingRequests(),
                    remainingTokens());
        }
        boolean requestsFull = entries.size() + 1 > maxRequests;
        boolean tokensFull = tokensInWindow + tokens > maxTokens;
        if (requestsFull || tokensFull) {
            String limit = requestsFull ? "requests: " + maxRequests + " per window" : "tokens: " + maxTokens
                    + " per window";
            return new Admission(false, limit, Duration.ofMillis(untilFits(nowMillis, tokens)), remainingRequests(),
                    remainingTokens());
        }
        entries.addLast(new Entry(nowMillis, tokens));
        tokensInWindow += tokens;
        return new Admission(true, null, Duration.ZERO, remainingRequests(), remainingTokens());
    }

    /** How long from {@code nowMillis} until enough of the oldest entries have left the window for the request. */
    private long untilFits(long nowMillis, long tokens) {
        int count = entries.size();
        long sum = tokensInWindow;
        long leaves = nowMillis;
        for (Entry entry : entries) {
            if (count + 1 <= maxRequests && sum + tokens <= maxTokens) {
                break;
            }
            count--;
            sum -= entry.tokens();
            leaves = entry.atMillis() + windowMillis;
        }
        return Math.max(0, leaves - nowMillis);
    }

    private void evictBefore(long oldestKept) {
        while (!entries.isEmpty() && entries.peekFirst().atMillis() <= oldestKept) {
            tokensInWindow -= entries.removeFirst().tokens();
        }
    }

    private int remainingRequests() {
        return Math.max(0, maxRequests - entries.size());
    }

    private long remainingTokens() {
        return Math.max(0, maxTokens - tokensInWindow);
    }
}
