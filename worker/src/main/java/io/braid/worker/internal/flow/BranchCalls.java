package io.braid.worker.internal.flow;

import io.braid.schema.TokenUsage;

import java.time.Instant;
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

    private final Instant turnDeadline;
    private final AtomicLong waitedNanos = new AtomicLong();
    private final AtomicInteger hedges = new AtomicInteger();
    private volatile long attemptDeadlineNanos = Long.MAX_VALUE;
    private volatile long attemptWaitedFrom;
    private long inputTokens;
    private long outputTokens;
    private boolean reported;
    private double cost;
    private boolean priced;

    /** @param turnDeadline the latest a call may still start (null = whenever its turn comes) */
    public BranchCalls(Instant turnDeadline) {
        this.turnDeadline = turnDeadline;
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

    /** The latest a call may still start; null = no bound. */
    public Instant turnDeadline() {
        return turnDeadline;
    }

    /** An attempt starts now and may run {@code timeoutNanos}, plus whatever its calls wait for their turn. */
    public void attemptStarted(long timeoutNanos) {
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
