package io.braid.worker.execute;

import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.TokenUsage;
import io.braid.worker.retry.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one branch task to its final {@link BranchResult}: each attempt under the branch's timeout (the call is
 * interrupted when it expires), retriable failures tried again after the retry policy's backoff, up to the
 * task's max attempts. Never throws for a branch failure: the failure is the result.
 */
public final class BranchRunner {

    /** Waits between attempts; replaced in tests so no test sleeps. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Map<BranchKind, BranchExecutor> executors;
    private final ExecutorService calls;
    private final RetryPolicy retryPolicy;
    private final Duration defaultTimeout;
    private final String workerId;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ProgressListener listener;

    public BranchRunner(Map<BranchKind, BranchExecutor> executors, ExecutorService calls, RetryPolicy retryPolicy,
                        Duration defaultTimeout, String workerId, Clock clock, Sleeper sleeper,
                        ProgressListener listener) {
        this.executors = Map.copyOf(executors);
        this.calls = calls;
        this.retryPolicy = retryPolicy;
        this.defaultTimeout = defaultTimeout;
        this.workerId = workerId;
        this.clock = clock;
        this.sleeper = sleeper;
        this.listener = listener;
    }

    public BranchResult run(BranchTask task) throws InterruptedException {
        int maxAttempts = task.getBranch().getMaxAttempts() != null
                ? task.getBranch().getMaxAttempts() : retryPolicy.defaultMaxAttempts();
        Duration timeout = task.getBranch().getTimeoutMs() != null
                ? Duration.ofMillis(task.getBranch().getTimeoutMs()) : defaultTimeout;
        for (int attempt = 1; ; attempt++) {
            listener.started(task, attempt);
            Instant startedAt = clock.instant();
            try {
                BranchOutput output = attempt(task, timeout);
                BranchResult result = result(task, attempt, startedAt, BranchStatus.SUCCEEDED).setOutput(output.text())
                        .setModel(output.model())
                        .setUsage(output.inputTokens() == null ? null
                                : new TokenUsage(output.inputTokens(), output.outputTokens() == null ? 0
                                : output.outputTokens()))
                        .build();
                listener.finished(result);
                return result;
            } catch (ExecutionException | TimeoutException e) {
                Throwable failure = e instanceof ExecutionException ? e.getCause() : e;
                BranchError error = e instanceof TimeoutException
                        ? new BranchError("TimeoutException", "branch exceeded its timeout of " + timeout.toMillis()
                        + " ms", true)
                        : Failures.describe(failure);
                if (!error.getRetriable() || attempt >= maxAttempts) {
                    BranchStatus status = e instanceof TimeoutException ? BranchStatus.TIMED_OUT : BranchStatus.FAILED;
                    BranchResult result = result(task, attempt, startedAt, status).setError(error).build();
                    listener.finished(result);
                    return result;
                }
                listener.retrying(task, attempt, error);
                sleeper.sleep(retryPolicy.backoff(attempt, ThreadLocalRandom.current()));
            }
        }
    }

    private BranchOutput attempt(BranchTask task, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        BranchExecutor executor = executors.get(task.getBranch().getKind());
        if (executor == null) {
            throw new ExecutionException(new dev.langchain4j.exception.NonRetriableException(
                    "this worker cannot run " + task.getBranch().getKind() + " branches yet"));
        }
        Future<BranchOutput> call = calls.submit(() -> executor.execute(task));
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            call.cancel(true);
            throw e;
        }
    }

    private BranchResult.Builder result(BranchTask task, int attempt, Instant startedAt, BranchStatus status) {
        return BranchResult.newBuilder()
                .setJobId(task.getJobId())
                .setBranchId(task.getBranch().getBranchId())
                .setRound(task.getRound())
                .setStatus(status)
                .setAttempt(attempt)
                .setWorkerId(workerId)
                .setStartedAt(startedAt)
                .setFinishedAt(clock.instant());
    }
}
