package io.braid.worker.internal.execute;

import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.schema.BranchTask;
import io.braid.schema.Hedge;
import io.braid.worker.internal.flow.BranchCalls;
import io.braid.worker.internal.trace.BranchTracing;
import io.braid.worker.internal.flow.ModelFlow;
import io.braid.worker.internal.models.ModelRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hedged model calls of LLM and AGENT branches ({@code BranchSpec.hedge}): when a call has not answered after the
 * hedge's {@code afterMs} — or, without one, the model's observed p95 on this worker (no hedge before
 * enough calls) — a second call of the same request starts beside it, on the hedge's model or the same one. The first
 * success wins and the other call is interrupted; both are billed (see {@code FlowChatModel}). A hedge is not started
 * when less of the attempt's time is left than the delay it waited. Each call of an agent's loop is hedged alike.
 */
public final class Hedging {

    /** A hedge delay longer than this is taken as this (no attempt runs so long): it never overflows. */
    static final Duration MAX_AFTER = Duration.ofDays(1);

    private final ModelRegistry models;
    private final ModelFlow flow;

    public Hedging(ModelRegistry models, ModelFlow flow) {
        this.models = models;
        this.flow = flow;
    }

    /** Checks a branch's hedge before its first call: a positive delay, a known model its job may use. */
    public void check(BranchTask task, PolicyCheck policy) {
        Hedge hedge = task.getBranch().getHedge();
        if (hedge == null) {
            return;
        }
        if (hedge.getAfterMs() != null && hedge.getAfterMs() <= 0) {
            throw new NonRetriableException("hedge.afterMs " + hedge.getAfterMs() + " must be positive (the time "
                    + "in ms after which a second call starts), or absent for the model's observed p95");
        }
        if (hedge.getModel() != null) {
            String model = models.resolveName(hedge.getModel());
            policy.checkModel(task, model);
            models.model(model); // an unknown hedge model fails the branch here, naming it
        }
    }

    /** {@code request} to model {@code modelName}, hedged as the task's branch asks. */
    public ChatResponse chat(BranchTask task, String modelName, ChatRequest request) throws InterruptedException {
        Hedge hedge = task.getBranch().getHedge();
        ChatModel primary = models.model(modelName);
        BranchCalls calls = BranchCalls.current();
        Optional<Duration> after = hedge == null ? Optional.empty() : hedge.getAfterMs() != null
                ? Optional.of(Duration.ofMillis(Math.min(hedge.getAfterMs(), MAX_AFTER.toMillis())))
                : flow.p95(modelName);
        if (after.isEmpty() || calls != null && after.get().toNanos() > calls.attemptNanosLeft()) {
            return primary.chat(request); // no hedge, or one that could not start within the attempt
        }
        Race race = new Race(calls, request);
        try {
            race.start(primary);
            Race.Outcome early = race.next(after.get(), calls);
            if (early != null) {
                return early.answer();
            }
            if (calls == null || calls.attemptNanosLeft() >= after.get().toNanos()) {
                String second = hedge.getModel() == null ? modelName : models.resolveName(hedge.getModel());
                if (calls != null) {
                    calls.hedged();
                }
                flow.listener().hedged(second);
                race.start(models.model(second));
            }
            return race.firstSuccess();
        } finally {
            race.cancel();
        }
    }

    /** Calls of one request racing on their own virtual threads. */
    private static final class Race {
        private static final Duration CANCEL_WAIT = Duration.ofSeconds(1);

        private record Outcome(int index, ChatResponse response, Throwable failure) {
            ChatResponse answer() {
                if (failure instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (failure instanceof Error error) {
                    throw error;
                }
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
                return response;
            }
        }

        private final BranchCalls calls;
        private final ChatRequest request;
        private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
        private final List<Thread> threads = new ArrayList<>(2);

        Race(BranchCalls calls, ChatRequest request) {
            this.calls = calls;
            this.request = request;
        }

        void start(ChatModel model) {
            int index = threads.size();
            threads.add(Thread.ofVirtual().start(BranchTracing.wrap(() -> {
                Outcome outcome;
                try {
                    outcome = new Outcome(index, BranchCalls.bind(calls, () -> model.chat(request)), null);
                } catch (Throwable e) {
                    outcome = new Outcome(index, null, e);
                }
                outcomes.add(outcome);
            })));
        }

        /**
         * The next call to finish, waiting up to {@code wait} plus the time the calls wait for their turn under a
         * rate limit meanwhile (the hedge delay counts from when the call could go); null when none finished.
         */
        Outcome next(Duration wait, BranchCalls calls) throws InterruptedException {
            long start = System.nanoTime();
            long waitedBefore = calls == null ? 0 : calls.waitedNanos();
            while (true) {
                long turnWaits = calls == null ? 0 : calls.waitedNanos() - waitedBefore;
                long left = wait.toNanos() + turnWaits - (System.nanoTime() - start);
                if (left <= 0) {
                    return null;
                }
                Outcome outcome = outcomes.poll(left, TimeUnit.NANOSECONDS);
                if (outcome != null) {
                    return outcome;
                }
            }
        }

        /** The first successful answer; when every call failed, the first call's failure. */
        ChatResponse firstSuccess() throws InterruptedException {
            Outcome firstCallFailed = null;
            Outcome anyFailed = null;
            for (int finished = 0; finished < threads.size(); finished++) {
                Outcome outcome = outcomes.take();
                if (outcome.failure() == null) {
                    return outcome.response();
                }
                anyFailed = anyFailed == null ? outcome : anyFailed;
                firstCallFailed = outcome.index() == 0 ? outcome : firstCallFailed;
            }
            return (firstCallFailed != null ? firstCallFailed : anyFailed).answer();
        }

        /**
         * Interrupts the calls still running and gives them {@link #CANCEL_WAIT} to stop, so the cut-off call is
         * billed before the branch's result is written.
         */
        void cancel() throws InterruptedException {
            threads.forEach(Thread::interrupt);
            for (Thread thread : threads) {
                thread.join(CANCEL_WAIT);
            }
        }
    }
}
