package io.braid.bench.internal;

import io.braid.testing.RateLimitedModelServer;

import java.util.List;
import java.util.Locale;

/**
 * One run of the {@code rate-limit} scenario, from the fake provider's per-second counts: the 429s while the
 * fleet settled (the first {@code settleSeconds}) and after, the achieved rate as a share of the allowed rate, and
 * the branches that never had a call accepted.
 *
 * @param rejectedWhileSettling 429s in the first {@code settleSeconds} since the provider's first request
 * @param rejectedAfterSettling 429s after them
 * @param percentOfAllowed      over the whole seconds from {@code settleSeconds} to the last one with an accepted
 *                              call (that last, partial second left out): accepted requests per second as a
 *                              percentage of the request limit, or accepted tokens of the token limit, whichever is
 *                              higher (the binding limit); NaN when fewer than 3 such seconds
 * @param unanswered            branches minus the requests accepted (one accepted call answers a branch)
 * @param seconds               the run's wall time
 */
record RateLimitRun(long rejectedWhileSettling, long rejectedAfterSettling, double percentOfAllowed, long unanswered,
                    double seconds) {

    static RateLimitRun of(List<RateLimitedModelServer.Second> perSecond, RateLimitedModelServer.Limits limits,
                           int branches, int settleSeconds, double seconds) {
        long settling = 0;
        long after = 0;
        long accepted = 0;
        long lastAccepted = -1;
        for (RateLimitedModelServer.Second second : perSecond) {
            if (second.second() < settleSeconds) {
                settling += second.rejected();
            } else {
                after += second.rejected();
            }
            accepted += second.accepted();
            if (second.accepted() > 0) {
                lastAccepted = second.second();
            }
        }
        long requests = 0;
        long tokens = 0;
        for (RateLimitedModelServer.Second second : perSecond) {
            if (second.second() >= settleSeconds && second.second() < lastAccepted) {
                requests += second.accepted();
                tokens += second.tokens();
            }
        }
        long span = lastAccepted - settleSeconds;
        double percent = span < 3 ? Double.NaN : 100 * Math.max(
                requests / (span * limits.requestsPerMinute() / 60.0),
                tokens / (span * limits.tokensPerMinute() / 60.0));
        return new RateLimitRun(settling, after, percent, Math.max(0, branches - accepted), seconds);
    }

    String describe() {
        return String.format(Locale.ROOT, "%d 429s in the first seconds, %d after; %.1f %% of the allowed rate; %d "
                        + "branches without an accepted call; %.1f s", rejectedWhileSettling, rejectedAfterSettling,
                percentOfAllowed, unanswered, seconds);
    }
}
