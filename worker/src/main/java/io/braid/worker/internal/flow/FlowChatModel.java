package io.braid.worker.internal.flow;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.schema.TokenUsage;
import io.braid.worker.internal.execute.Failures;
import io.braid.worker.internal.trace.BranchTracing;
import io.braid.worker.internal.trace.GenAiSpans;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * One configured model under flow control: every call waits for its turn under the model's rate limit (if it has
 * one), reports a 429 to the limiter, settles its estimated tokens against the reported usage, records its latency
 * (for hedging after the observed p95) and bills its tokens and cost to the branch's {@link BranchCalls}. A call
 * cut off before it answered (a hedge's loser, a timed-out attempt) is billed its estimated input tokens: the
 * provider had the prompt.
 *
 * <p>Every call that got its turn settles it, whatever its outcome: at the reported usage on success, at its
 * estimated input when it was sent and failed (an error, a timeout, a hedge's loser), at nothing on a 429. A call
 * that throws thus never leaves its whole reservation on the schedule.
 */
final class FlowChatModel implements ChatModel {

    private final String name;
    private final ChatModel delegate;
    private final ModelFlow flow;
    private final RateLimiter limiter;
    private final LatencyReservoir latencies;

    FlowChatModel(String name, ChatModel delegate, ModelFlow flow) {
        this.name = name;
        this.delegate = delegate;
        this.flow = flow;
        this.limiter = flow.limiter(name);
        this.latencies = flow.latencies(name);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        BranchCalls calls = BranchCalls.current();
        long estimate = Tokens.estimate(request, flow.defaultOutput(name));
        RateLimiter.Turn turn = limiter == null ? null : awaitTurn(estimate, calls);
        if (calls != null) {
            calls.sent();
        }
        ModelFlow.Calls counted = flow.calls(name);
        counted.inFlight().incrementAndGet();
        long start = System.nanoTime();
        long used = Tokens.input(request); // what a call that was sent and failed is settled at: the provider had it
        try {
            ChatResponse response = traced(request);
            latencies.record(Duration.ofNanos(System.nanoTime() - start));
            TokenUsage usage = Tokens.usage(response.tokenUsage());
            // without reported usage the reservation stands (capped: an estimate is not a spend)
            used = usage != null ? (long) usage.getInputTokens() + usage.getOutputTokens()
                    : turn != null ? turn.tokens() : 0;
            if (usage != null) {
                flow.produced(name, usage.getOutputTokens());
            }
            if (calls != null && usage != null) {
                calls.spent(usage, flow.cost(name, usage));
            }
            return response;
        } catch (RuntimeException e) {
            if (isRateLimited(e)) {
                counted.rateLimited().incrementAndGet();
                flow.listener().rateLimited(name);
                if (turn != null) {
                    limiter.rateLimited(Failures.retryAfter(e), turn); // gives its reservation back
                    turn = null;
                }
            } else if (Thread.currentThread().isInterrupted() && calls != null) {
                TokenUsage cutOff = new TokenUsage((int) Math.min(Integer.MAX_VALUE, used), 0);
                calls.spent(cutOff, flow.cost(name, cutOff));
            }
            throw e;
        } finally {
            counted.inFlight().decrementAndGet();
            if (turn != null) {
                limiter.settle(turn, used); // every call, whatever its outcome: nothing stays reserved for good
            }
        }
    }

    /** The provider's call, in a GenAI span when the branch is traced. */
    private ChatResponse traced(ChatRequest request) {
        BranchTracing.Traced call = GenAiSpans.chat(name, flow.spec(name), request);
        try {
            ChatResponse response = delegate.chat(request);
            GenAiSpans.answered(call, response);
            return response;
        } catch (RuntimeException e) {
            call.end(null, e);
            throw e;
        }
    }

    /**
     * Parks this (virtual) thread until the limiter gives the call its turn, and returns it; throws
     * {@link NoTurnException} as soon as the turn cannot come before the branch's turn deadline
     * ({@link BranchCalls#turnDeadline}: room left in the run budget for the attempt, or for the model's p95 × 3).
     */
    private RateLimiter.Turn awaitTurn(long estimate, BranchCalls calls) {
        Instant deadline = calls == null ? null : calls.turnDeadline(flow.p95(name));
        long waitedFrom = System.nanoTime();
        RateLimiter.Turn turn = limiter.take(estimate);
        if (turn.granted()) {
            return turn;
        }
        long counted = limiter.waiting(estimate);
        try {
            for (; !turn.granted(); turn = limiter.take(estimate)) {
                Duration wait = turn.delay();
                if (deadline != null && flow.clock().instant().plus(wait).isAfter(deadline)) {
                    flow.listener().noTurn(name);
                    throw new NoTurnException("model '" + name + "' has no turn under its rate limit (rateLimits."
                            + name + ") while enough of the record lock is left for the call; the task is given back "
                            + "for a later delivery");
                }
                if (calls != null) {
                    calls.waited(wait.toNanos()); // counted as it starts: the attempt and a hedge's delay extend now
                }
                try {
                    flow.sleeper().sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.langchain4j.exception.RetriableException("interrupted waiting for a turn of model '"
                            + name + "'", e);
                }
            }
        } finally {
            limiter.doneWaiting(counted);
        }
        long waited = System.nanoTime() - waitedFrom;
        if (waited > Duration.ofMillis(1).toNanos()) {
            flow.listener().waited(name, Duration.ofNanos(waited));
        }
        return turn;
    }

    /** A 429 anywhere in the failure's cause chain. */
    static boolean isRateLimited(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RateLimitException
                    || cause instanceof HttpException http && http.statusCode() == 429) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
