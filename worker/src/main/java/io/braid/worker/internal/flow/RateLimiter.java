package io.braid.worker.internal.flow;

import io.braid.worker.internal.config.RateLimitSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This worker's part of one model's fleet-wide limit: requests and tokens per minute, times the fraction the fleet
 * aims at ({@link RateLimitSpec#targetOrDefault()}), times this worker's share of the fleet ({@link #share(double)}),
 * times an AIMD factor that halves on a 429 and grows back by {@link #INCREASE} every {@link #INCREASE_EVERY}
 * without one, counted from the end of the pause a 429 imposes until its Retry-After.
 *
 * <p>Each limit is a GCRA (generic cell rate algorithm) schedule: a call of cost {@code c} may start once the
 * schedule's next free time less {@link #BURST} has come, and moves that time on by {@code c} emission intervals. A
 * call costing more than the burst's allowance still goes alone and pays in the wait of those after it. Tokens are
 * reserved at the call's estimate and {@linkplain #settle settled} once the provider reports the usage. Pure and
 * clock-driven: {@link #tryAcquire} says how long to wait, the caller waits.
 *
 * <p>Why the burst is short: over any window {@code T} a worker sends at most {@code rate × T + burst}, and the
 * fleet's bursts add up (their sum is {@code BURST} of the fleet's rate, since the shares add up to one). A provider
 * that counts over a sliding window {@code T} refuses nothing while {@code target × (T + BURST) ≤ T}, i.e.
 * {@code BURST ≤ T × (1 − target) / target}: with the default target of 0.95 and a burst of 0.2 s, any window of
 * 3.8 s or more.
 */
public final class RateLimiter {

    /**
     * How far ahead of its rate a worker may spend after a quiet spell: a fifth of a second, so that the fleet's
     * bursts fit the gap between the default target and the limit (see the class comment). It still lets a worker
     * start calls back to back when they arrive together, instead of one per emission interval.
     */
    static final Duration BURST = Duration.ofMillis(200);
    /** The factor a 429 multiplies the rate by. */
    static final double DECREASE = 0.5;
    /**
     * What the factor grows by, every {@link #INCREASE_EVERY} without a 429: from a halving back to the whole share
     * in 5 s. Fast enough that a 429 of a transient (a worker joining, a burst) costs a few seconds of half rate,
     * not half a minute. A limit set above what the provider really allows gives a saw-tooth (each 429 halves the
     * rate and pauses the model until its Retry-After, the calls already sent do not halve it again), not a storm.
     */
    static final double INCREASE = 0.05;
    /** How often the factor grows: in small steps, so the rate climbs smoothly rather than a tenth at once. */
    static final Duration INCREASE_EVERY = Duration.ofMillis(500);
    /** The factor never goes below this: one 429 storm does not stop a model for good. */
    static final double MIN_FACTOR = 1.0 / 64;
    /** The pause after a 429 that says no Retry-After. */
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);
    /**
     * The most of this worker's token allowance one call reserves: 5 s of it. A call asking for more (a huge
     * {@code maxOutputTokens}) reserves this much and settles the rest from the usage the provider reports, so no
     * single call moves the schedule far ahead of the calls after it.
     */
    static final Duration MAX_RESERVATION = Duration.ofSeconds(5);

    private static final double NANOS_PER_MINUTE = 60e9;

    private final String model;
    private final RateLimitSpec limit;
    private final Clock clock;
    private final Instant origin;
    private final double target;
    private double share = 1;
    private double factor = 1;
    private double requestsDue;
    private double tokensDue;
    private double pausedUntil;
    private double lastChange;
    private long waitingCalls;
    private long waitingTokens;

    public RateLimiter(String model, RateLimitSpec limit, Clock clock) {
        this.model = model;
        this.limit = limit;
        this.clock = clock;
        this.target = limit.targetOrDefault();
        this.origin = clock.instant();
    }

    public String model() {
        return model;
    }

    /** Sets this worker's share of the fleet's limit, 0 (exclusive) to 1. */
    public synchronized void share(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share " + share + " is outside (0, 1]");
        }
        this.share = share;
    }

    /**
     * A call's turn: {@link #granted()} when it may start now — its request is counted and {@code tokens} are
     * reserved at {@code nanosPerToken}, the token interval at that moment — else how long to wait ({@code delay})
     * before asking again (nothing counted). A granted turn is {@linkplain #settle settled} exactly once, whatever
     * the call's outcome.
     */
    public record Turn(Duration delay, long tokens, double nanosPerToken) {

        public boolean granted() {
            return delay.isZero();
        }
    }

    /**
     * Takes a turn for a call estimated at {@code tokens}: {@link Duration#ZERO} when it may start now (its request
     * and tokens are counted), else how long to wait before asking again (nothing is counted).
     */
    public Duration tryAcquire(long tokens) {
        return take(tokens).delay();
    }

    /**
     * As {@link #tryAcquire}, returning the {@link Turn} to settle. The reservation is the estimate clamped to
     * {@code [0, }{@link #MAX_RESERVATION} of the current allowance{@code ]}.
     */
    public synchronized Turn take(long tokens) {
        double now = now();
        growBack(now);
        double burst = BURST.toNanos();
        double wait = Math.max(0, pausedUntil - now);
        if (limit.requestsPerMinute() != null) {
            wait = Math.max(wait, requestsDue - burst - now);
        }
        if (limit.tokensPerMinute() != null) {
            wait = Math.max(wait, tokensDue - burst - now);
        }
        if (wait > 0) {
            return new Turn(Duration.ofNanos((long) Math.ceil(wait)), 0, 0);
        }
        if (limit.requestsPerMinute() != null) {
            requestsDue = Math.max(requestsDue, now) + interval(limit.requestsPerMinute());
        }
        if (limit.tokensPerMinute() == null) {
            return new Turn(Duration.ZERO, 0, 0);
        }
        double perToken = interval(limit.tokensPerMinute());
        long reserved = (long) Math.min(Math.max(0, tokens), Math.max(1, MAX_RESERVATION.toNanos() / perToken));
        tokensDue = Math.max(tokensDue, now) + reserved * perToken;
        return new Turn(Duration.ZERO, reserved, perToken);
    }

    /**
     * A call of a granted {@code turn} used {@code actual} tokens (a call that failed after it was sent: its input; a
     * 429 or a call never sent: 0): the schedule moves by the difference from the reservation, at the interval the
     * reservation was made at — a rate halved in between does not double the refund.
     */
    public synchronized void settle(Turn turn, long actual) {
        if (limit.tokensPerMinute() != null && turn.granted()) {
            tokensDue += (Math.max(0, actual) - turn.tokens()) * turn.nanosPerToken();
        }
    }

    /**
     * As {@link #rateLimited(Optional)} for the call of {@code turn}, which the provider refused: its token
     * reservation is given back (its request still counts: providers count refused requests).
     */
    public synchronized void rateLimited(Optional<Duration> retryAfter, Turn turn) {
        settle(turn, 0);
        rateLimited(retryAfter);
    }

    /**
     * The provider answered 429: pause until {@code retryAfter} (or {@link #DEFAULT_PAUSE}) and, unless already
     * paused by an earlier 429 (calls sent before the pause answer after it), halve the rate.
     */
    public synchronized void rateLimited(Optional<Duration> retryAfter) {
        double now = now();
        growBack(now);
        if (now >= pausedUntil) {
            factor = Math.max(MIN_FACTOR, factor * DECREASE);
        }
        pausedUntil = Math.max(pausedUntil, now + retryAfter.orElse(DEFAULT_PAUSE).toNanos());
        lastChange = pausedUntil; // the rate grows back from the end of the pause, however long it was
    }

    /**
     * A call estimated at {@code tokens} starts waiting for its turn (it counts in the {@link #backlog()}); returns
     * the tokens it is counted at (capped as {@link #take} caps a reservation), to hand to {@link #doneWaiting}.
     */
    public synchronized long waiting(long tokens) {
        long counted = limit.tokensPerMinute() == null ? 0 : (long) Math.min(Math.max(0, tokens),
                Math.max(1, MAX_RESERVATION.toNanos() / interval(limit.tokensPerMinute())));
        waitingCalls++;
        waitingTokens += counted;
        return counted;
    }

    /** A call that was {@link #waiting} (counted at {@code counted} tokens) got its turn or gave up. */
    public synchronized void doneWaiting(long counted) {
        waitingCalls--;
        waitingTokens -= counted;
    }

    /**
     * How long until every call now waiting has had its turn at the current rate: the time to the schedule's next
     * free turn (or the end of a 429's pause) plus the waiting calls' requests and tokens. What the consumer loop compares with the record lock before it takes more tasks.
     */
    public synchronized Duration backlog() {
        double now = now();
        growBack(now);
        double burst = BURST.toNanos();
        double until = pausedUntil - now;
        if (limit.requestsPerMinute() != null) {
            until = Math.max(until, requestsDue - burst - now + waitingCalls * interval(limit.requestsPerMinute()));
        }
        if (limit.tokensPerMinute() != null) {
            until = Math.max(until, tokensDue - burst - now + waitingTokens * interval(limit.tokensPerMinute()));
        }
        return until <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.min(Long.MAX_VALUE, Math.ceil(until)));
    }

    /** The requests per minute this worker allows itself now; null without a request limit. */
    public synchronized Double allowedRequestsPerMinute() {
        growBack(now());
        return limit.requestsPerMinute() == null ? null : limit.requestsPerMinute() * target * share * factor;
    }

    /** The tokens per minute this worker allows itself now; null without a token limit. */
    public synchronized Double allowedTokensPerMinute() {
        growBack(now());
        return limit.tokensPerMinute() == null ? null : limit.tokensPerMinute() * target * share * factor;
    }

    /**
     * What the limiter holds now, for the worker's status: the allowed rates (null without that limit), the factor,
     * the calls waiting and the {@link #backlog()}, and until when a 429 pauses calls (null when it does not).
     */
    public record State(Double allowedRequestsPerMinute, Double allowedTokensPerMinute, double factor,
                        long waitingCalls, Duration backlog, Instant coolingUntil) {
    }

    public synchronized State state() {
        double now = now();
        Duration backlog = backlog();
        Instant cooling = pausedUntil > now ? origin.plusNanos((long) pausedUntil) : null;
        return new State(allowedRequestsPerMinute(), allowedTokensPerMinute(), factor, waitingCalls, backlog, cooling);
    }

    /** The AIMD factor, 1 when no 429 came lately. */
    public synchronized double factor() {
        growBack(now());
        return factor;
    }

    private void growBack(double now) {
        double every = INCREASE_EVERY.toNanos();
        long steps = (long) ((now - lastChange) / every);
        if (steps > 0) {
            factor = Math.min(1, factor + steps * INCREASE);
            lastChange += steps * every;
        }
    }

    /** Nanoseconds per request (or token) at the current rate. */
    private double interval(long perMinute) {
        return NANOS_PER_MINUTE / (perMinute * target * share * factor);
    }

    private double now() {
        return Duration.between(origin, clock.instant()).toNanos();
    }
}
