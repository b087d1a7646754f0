package io.braid.worker.internal.flow;

import io.braid.schema.TokenUsage;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The model calls of one branch run, across its attempts and hedged calls: what they spent (tokens and cost), how
 * long they waited for their turn under a rate limit, how many hedges started, and until when a call may wait for its
 * turn (so a branch never outlives its record lock waiting). {@code BranchRunner} opens one per run and binds it to
 * each thread that calls a model on the branch's behalf ({@link #bind}); the model decorator ({@link FlowChatModel})
 * finds it with {@link #current()}.
 */
public final class BranchCalls {

    private static final ThreadLocal<BranchCalls> CURRENT = new ThreadLocal<>();

    /** The shortest time a call is given when little of the run budget is left. */
    static final Duration MIN_CALL = Duration.ofSeconds(1);
    /** A call with an observed p95 needs this many p95s of the run budget left to be worth starting. */
    static final int P95_FACTOR = 3;

    private final Instant budgetEnd;
    private volatile long attemptTimeoutNanos = Long.MAX_VALUE;
    private volatile boolean sent;
    private final AtomicLong waitedNanos = new AtomicLong();
    private final AtomicInteger hedges = new AtomicInteger();
    private volatile long attemptDeadlineNanos = Long.MAX_VALUE;
    private volatile long attemptWaitedFrom;
    private long inputTokens;
    private long outputTokens;
    private boolean reported;
    private double cost;
    private boolean priced;

    /** @param budgetEnd when the run's budget (so its record lock) ends (null = no bound on a call's turn) */
    public BranchCalls(Instant budgetEnd) {
        this.budgetEnd = budgetEnd;
    }

    /** The calls bound to this thread, or null outside a branch run. */
    public static BranchCalls current() {
        return CURRENT.get();
    }

    /** Runs {@code body} with {@code calls} bound to this thread (null binds nothing). */
    public static <T> T bind(BranchCalls calls, java.util.concurrent.Callable<T> body) throws Exception {
        BranchCalls before = CURRENT.get();
        CURRENT.set(calls);
        try {
            return body.call();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /**
     * The latest a call of a model whose calls took {@code p95} (empty: not known yet) may still get its turn, so that
     * it can finish within the run budget rather than time out there: the budget's end less the current attempt's
     * timeout — less only {@value #P95_FACTOR} × the p95 when that is shorter, and never less than {@link #MIN_CALL}.
     * Null when the run has no budget.
     */
    public Instant turnDeadline(Optional<Duration> p95) {
        if (budgetEnd == null) {
            return null;
        }
        long timeout = attemptTimeoutNanos;
        long room = p95.map(p -> Math.min(timeout, Math.max(MIN_CALL.toNanos(),
                p.toNanos() > Long.MAX_VALUE / P95_FACTOR ? Long.MAX_VALUE : p.toNanos() * P95_FACTOR)))
                .orElse(timeout == Long.MAX_VALUE ? MIN_CALL.toNanos() : timeout);
        return budgetEnd.minusNanos(room);
    }

    /** A model call of the run was sent to its provider (it may have spent tokens). */
    void sent() {
        sent = true;
    }

    /** Whether any model call of the run was sent: a run that sent none spent nothing and may be run again. */
    public boolean anySent() {
        return sent;
    }

    /** An attempt starts now and may run {@code timeoutNanos}, plus whatever its calls wait for their turn. */
    public void attemptStarted(long timeoutNanos) {
        attemptTimeoutNanos = timeoutNanos;
        attemptWaitedFrom = waitedNanos.get();
        long now = System.nanoTime();
        attemptDeadlineNanos = timeoutNanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeoutNanos;
    }

    /** What is left of the current attempt's time (its timeout, extended by its waits for a turn), in nanoseconds. */
    public long attemptNanosLeft() {
        long deadline = attemptDeadlineNanos;
        if (deadline == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return deadline + (waitedNanos.get() - attemptWaitedFrom) - System.nanoTime();
    }

    /** Time the calls spent waiting for their turn, in nanoseconds. */
    public long waitedNanos() {
        return waitedNanos.get();
    }

    void waited(long nanos) {
        waitedNanos.addAndGet(nanos);
    }

    /** A hedged call started. */
    public void hedged() {
        hedges.incrementAndGet();
    }

    public int hedges() {
        return hedges.get();
    }

    /** A call spent {@code usage}, costing {@code cost} (null: its model has no price). */
    synchronized void spent(TokenUsage usage, Double cost) {
        reported = true;
        inputTokens += usage.getInputTokens();
        outputTokens += usage.getOutputTokens();
        if (cost != null) {
            priced = true;
            this.cost += cost;
        }
    }

    /** Tokens of every call that reported or was billed usage; null when none did. */
    public synchronized TokenUsage usage() {
        return reported ? new TokenUsage(clamp(inputTokens), clamp(outputTokens)) : null;
    }

    /** The cost of every priced call; null when no call had a price. */
    public synchronized Double cost() {
        return priced ? cost : null;
    }

    private static int clamp(long tokens) {
        return (int) Math.min(Integer.MAX_VALUE, tokens);
    }
}
