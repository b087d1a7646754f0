package io.braid.worker.internal.execute;

import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.worker.BranchExecutor;
import io.braid.worker.BranchOutput;
import io.braid.worker.ProgressListener;
import io.braid.worker.RetryPolicy;
import io.braid.worker.internal.flow.BranchCalls;
import io.braid.worker.internal.flow.NoTurnException;
import io.braid.worker.internal.trace.BranchTracing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one branch task to its final {@link BranchResult}: each attempt under the branch's timeout (the call is
 * interrupted when it expires), retriable failures tried again after the retry policy's backoff (or the
 * failure's Retry-After, if longer), up to the task's max attempts. Never throws for a branch failure: the
 * failure is the result.
 *
 * <p>The run budget ties a branch to its task record's lock: all attempts and the waits between them fit in it.
 * An attempt's timeout is shortened to what is left of the budget, and no attempt is started that could not
 * finish within it — so a healthy branch is never still running when its record is handed to another worker.
 *
 * <p>A model call waiting for its turn under a rate limit does not use up its attempt's timeout (the attempt is
 * extended by the wait, within the run budget); when the turn cannot come while the run budget still leaves room for
 * the attempt ({@link BranchCalls#turnDeadline}), the run ends with {@link NoTurnException} and the task's record is
 * released, not failed — if no model call was sent yet in this delivery. After one was (it spent tokens that a later
 * delivery would bill again), or on the record's last delivery, the branch is answered FAILED, retriable, with its
 * spend. Every result carries the tokens and cost of all the run's model calls, failed attempts, hedged calls and
 * calls cut off by a timeout included (a timed-out attempt gets {@link #BILLING_WAIT} to bill its cut-off call).
 */
public final class BranchRunner {

    /** Waits between attempts; replaced in tests so no test sleeps. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** The shortest attempt worth starting when little of the run budget is left. */
    private static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);
    /**
     * How long a timed-out or cancelled attempt is given to stop after its interrupt, so that its cut-off model call
     * has billed its tokens before the result is built.
     */
    static final Duration BILLING_WAIT = Duration.ofSeconds(1);

    private final Map<BranchKind, BranchExecutor> executors;
    private final ExecutorService calls;
    private final RetryPolicy retryPolicy;
    private final Duration defaultTimeout;
    private final Duration runBudget;
    private final String workerId;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ProgressListener listener;
    private final Cancellations cancellations;

    public BranchRunner(Map<BranchKind, BranchExecutor> executors, ExecutorService calls, RetryPolicy retryPolicy,
                        Duration defaultTimeout, Duration runBudget, String workerId, Clock clock,
                        Sleeper sleeper, ProgressListener listener, Cancellations cancellations) {
        this.executors = Map.copyOf(executors);
        this.calls = calls;
        this.retryPolicy = retryPolicy;
        this.defaultTimeout = defaultTimeout;
        this.runBudget = runBudget;
        this.workerId = workerId;
        this.clock = clock;
        this.sleeper = sleeper;
        this.listener = listener;
        this.cancellations = cancellations;
    }

    public BranchResult run(BranchTask task) throws InterruptedException {
        return run(task, Duration.ZERO);
    }

    /**
     * As {@link #run(BranchTask)} for a task whose record was already held for {@code held} (waiting for the schema
     * registry to read it): that much less of the run budget is left.
     */
    public BranchResult run(BranchTask task, Duration held) throws InterruptedException {
        return run(task, held, false);
    }

    /**
     * As {@link #run(BranchTask, Duration)}; on the record's {@code lastDelivery} a call that gets no turn in time
     * fails the branch (retriable {@code NoTurnException}) instead of giving the record back, which the share group
     * would archive unanswered.
     */
    public BranchResult run(BranchTask task, Duration held, boolean lastDelivery) throws InterruptedException {
        int maxAttempts = task.getBranch().getMaxAttempts() != null
                ? task.getBranch().getMaxAttempts() : retryPolicy.defaultMaxAttempts();
        Duration timeout = task.getBranch().getTimeoutMs() != null
                ? Duration.ofMillis(task.getBranch().getTimeoutMs()) : defaultTimeout;
        Instant budgetEnd = clock.instant().plus(runBudget).minus(held);
        Duration shortestAttempt = timeout.compareTo(MIN_ATTEMPT) < 0 ? timeout : MIN_ATTEMPT;
        BranchCalls branchCalls = new BranchCalls(budgetEnd);
        Instant firstFailedAt = null;
        for (int attempt = 1; ; attempt++) {
            if (cancellations.isCancelled(task.getJobId(), task.getRound())) {
                return result(task, attempt - 1, clock.instant(), BranchStatus.CANCELLED, branchCalls).build();
            }
            listener.started(task, attempt);
            Instant startedAt = clock.instant();
            Duration left = Duration.between(startedAt, budgetEnd);
            Duration attemptTimeout = timeout.compareTo(left) <= 0 ? timeout : left;
            try {
                BranchOutput output = attempt(task, attempt, attemptTimeout, Duration.between(startedAt, budgetEnd),
                        branchCalls);
                return succeeded(task, attempt, startedAt, output, firstFailedAt, branchCalls);
            } catch (CancellationException e) {
                // its job was cancelled while the call ran (see Cancellations)
                return result(task, attempt, startedAt, BranchStatus.CANCELLED, branchCalls).build();
            } catch (ExecutionException | TimeoutException e) {
                if (e.getCause() instanceof NoTurnException noTurn) {
                    return noTurn(task, attempt, startedAt, noTurn, lastDelivery, firstFailedAt, branchCalls);
                }
                if (calls.isShutdown()) {
                    // The worker is stopping and interrupted the call: not the branch's failure. Its record is
                    // released and the branch runs again elsewhere.
                    throw new InterruptedException("worker stopping; branch interrupted");
                }
                Throwable failure = e instanceof ExecutionException ? e.getCause() : e;
                BranchError error = e instanceof TimeoutException ? timedOut(attemptTimeout, timeout)
                        : Failures.describe(failure);
                BranchStatus finalStatus = e instanceof TimeoutException ? BranchStatus.TIMED_OUT : BranchStatus.FAILED;
                if (firstFailedAt == null) {
                    // at the precision results keep times in (milliseconds), so it never looks later than finishedAt
                    firstFailedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                }
                if (!error.getRetriable() || attempt >= maxAttempts) {
                    return result(task, attempt, startedAt, finalStatus, branchCalls).setError(error)
                            .setFirstFailedAt(firstFailedAt).build();
                }
                Duration wait = retryPolicy.delayBefore(attempt, Failures.retryAfter(failure),
                        ThreadLocalRandom.current());
                if (clock.instant().plus(wait).plus(shortestAttempt).isAfter(budgetEnd)) {
                    error.setMessage(error.getMessage() + " (not retried: waiting " + wait.toMillis()
                            + " ms would leave no time for another attempt within the record lock)");
                    return result(task, attempt, startedAt, finalStatus, branchCalls).setError(error)
                            .setFirstFailedAt(firstFailedAt).build();
                }
                listener.retrying(task, attempt, error);
                sleeper.sleep(wait);
            }
        }
    }

    /**
     * A call got no turn in time: rethrown (the record is given back) while nothing was spent in this delivery;
     * on the last delivery, or after calls already spent tokens (a later delivery would bill them again), the branch
     * is answered FAILED, retriable, carrying the spend. Never retried here: the turn only gets further away.
     */
    private BranchResult noTurn(BranchTask task, int attempt, Instant startedAt, NoTurnException noTurn,
                                boolean lastDelivery, Instant firstFailedAt, BranchCalls branchCalls) {
        if (!lastDelivery && !branchCalls.anySent()) {
            throw noTurn;
        }
        return result(task, attempt, startedAt, BranchStatus.FAILED, branchCalls).setError(Failures.describe(noTurn))
                .setFirstFailedAt(firstFailedAt != null ? firstFailedAt
                        : clock.instant().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    private BranchResult succeeded(BranchTask task, int attempt, Instant startedAt, BranchOutput output,
                                   Instant firstFailedAt, BranchCalls branchCalls) {
        return result(task, attempt, startedAt, BranchStatus.SUCCEEDED, branchCalls).setOutput(output.text())
                .setModel(output.model())
                .setProviderModel(output.providerModel())
                .setUsage(branchCalls.usage() != null ? branchCalls.usage() : output.usage())
                .setLatencyMs(output.modelLatency() == null ? null : output.modelLatency().toMillis())
                .setToolCalls(output.toolCalls())
                .setFirstFailedAt(firstFailedAt)
                .build();
    }

    /** The error of an attempt that ran out of {@code attemptTimeout} (the branch's {@code timeout}, or less). */
    private static BranchError timedOut(Duration attemptTimeout, Duration timeout) {
        return new BranchError("TimeoutException", "branch exceeded its timeout of " + attemptTimeout.toMillis()
                + " ms" + (attemptTimeout.equals(timeout) ? ""
                : " (shortened from " + timeout.toMillis() + " ms to fit the record lock)"), true);
    }

    /** Attempt {@code number}, in a span of its own when the task is traced ({@link BranchTracing}). */
    private BranchOutput attempt(BranchTask task, int number, Duration timeout, Duration budgetLeft,
                                 BranchCalls branchCalls)
            throws ExecutionException, TimeoutException, InterruptedException {
        BranchTracing.Traced traced = BranchTracing.attempt(task, number, workerId);
        try {
            BranchOutput output = attempt(task, timeout, budgetLeft, branchCalls, traced);
            traced.end(BranchStatus.SUCCEEDED.name(), null);
            return output;
        } catch (TimeoutException e) {
            traced.end(BranchStatus.TIMED_OUT.name(), e);
            throw e;
        } catch (CancellationException e) {
            traced.end(BranchStatus.CANCELLED.name(), null);
            throw e;
        } catch (ExecutionException e) {
            traced.end(BranchStatus.FAILED.name(), e.getCause());
            throw e;
        } catch (InterruptedException | RuntimeException e) {
            traced.end("INTERRUPTED", e);
            throw e;
        }
    }

    /**
     * One attempt on its own (virtual) thread, bound to the run's {@code calls}. It may run {@code timeout}, plus the
     * time its model calls wait for their turn under a rate limit, but never past {@code budgetLeft}.
     */
    private BranchOutput attempt(BranchTask task, Duration timeout, Duration budgetLeft, BranchCalls branchCalls,
                                 BranchTracing.Traced traced)
            throws ExecutionException, TimeoutException, InterruptedException {
        BranchExecutor executor = executors.get(task.getBranch().getKind());
        if (executor == null) {
            throw new ExecutionException(new dev.langchain4j.exception.NonRetriableException(
                    "this worker cannot run " + task.getBranch().getKind() + " branches yet"));
        }
        branchCalls.attemptStarted(timeout.toNanos());
        long start = System.nanoTime();
        long waitedBefore = branchCalls.waitedNanos();
        CountDownLatch finished = new CountDownLatch(1);
        Future<BranchOutput> call = calls.submit(traced.wrap(() -> {
            try {
                return io.braid.worker.internal.models.PartialOutput.to(text -> listener.partialOutput(task, text),
                        () -> BranchCalls.bind(branchCalls, () -> executor.execute(task)));
            } finally {
                finished.countDown();
            }
        }));
        try (Cancellations.Tracked tracked = cancellations.track(task.getJobId(), task.getRound(), call)) {
            while (true) {
                long allowed = Math.min(timeout.toNanos() + branchCalls.waitedNanos() - waitedBefore, budgetLeft.toNanos());
                long left = allowed - (System.nanoTime() - start);
                if (left <= 0) {
                    throw new TimeoutException();
                }
                try {
                    return call.get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // look again: the call may have waited for its turn meanwhile, which extends the attempt
                }
            }
        } catch (TimeoutException e) {
            call.cancel(true);
            finished.await(BILLING_WAIT.toNanos(), TimeUnit.NANOSECONDS); // the cut-off call bills before the result
            throw e;
        } catch (CancellationException e) {
            finished.await(BILLING_WAIT.toNanos(), TimeUnit.NANOSECONDS);
            throw e;
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        }
    }

    /** A result carrying what every call of the run spent ({@link BranchCalls}). */
    private BranchResult.Builder result(BranchTask task, int attempt, Instant startedAt, BranchStatus status,
                                        BranchCalls branchCalls) {
        return BranchResult.newBuilder()
                .setUsage(branchCalls.usage())
                .setCost(branchCalls.cost())
                .setHedgedCalls(branchCalls.hedges())
                .setJobId(task.getJobId())
                .setBranchId(task.getBranch().getBranchId())
                .setRound(task.getRound())
                .setDispatchId(task.getDispatchId())
                .setStatus(status)
                .setAttempt(attempt)
                .setWorkerId(workerId)
                .setStartedAt(startedAt)
                .setFinishedAt(clock.instant());
    }
}
