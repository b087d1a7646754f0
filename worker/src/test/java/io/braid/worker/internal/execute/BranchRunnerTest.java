package io.braid.worker.internal.execute;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.LlmCall;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.BranchExecutor;
import io.braid.worker.BranchOutput;
import io.braid.worker.ProgressListener;
import io.braid.worker.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Attempts, retries and timeouts of one branch, with a fake executor and a recorded (not slept) backoff. */
class BranchRunnerTest {

    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Duration> waits = new ArrayList<>();

    @AfterEach
    void tearDown() {
        calls.shutdownNow();
    }

    private BranchRunner runner(BranchExecutor executor) {
        return runner(executor, Duration.ofMinutes(5));
    }

    /** A runner whose clock advances only by the backoff waits it asks for, so budgets are exact. */
    private BranchRunner runner(BranchExecutor executor, Duration runBudget) {
        return new BranchRunner(Map.of(BranchKind.LLM, executor), calls,
                new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)), Duration.ofSeconds(5),
                runBudget, "worker-test", clock, wait -> {
                    waits.add(wait);
                    clock.advance(wait);
                }, ProgressListener.NONE, cancellations);
    }

    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final Cancellations cancellations = new Cancellations();

    /** A call that counts down {@code started}, blocks until interrupted, then counts down {@code interrupted}. */
    private static BranchExecutor blockUntilInterrupted(CountDownLatch started, CountDownLatch interrupted) {
        return task -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return BranchOutput.text("never");
        };
    }

    private static BranchTask task(Long timeoutMs) {
        return BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId("b").setKind(BranchKind.LLM).setTimeoutMs(timeoutMs)
                        .setLlm(LlmCall.newBuilder().setUserPrompt("hi").build()).build())
                .build();
    }

    @Test
    void retriable_failures_are_retried_with_backoff_until_the_branch_succeeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BranchResult result = runner(task -> {
            if (calls.incrementAndGet() <= 2) {
                throw new RateLimitException("429 slow down");
            }
            return BranchOutput.text("done");
        }).run(task(null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getOutput()).isEqualTo("done");
        assertThat(result.getAttempt()).isEqualTo(3);
        assertThat(waits).hasSize(2).allSatisfy(wait -> assertThat(wait).isBetween(Duration.ZERO, Duration.ofMillis(200)));
    }

    @Test
    void a_retry_after_hint_longer_than_the_backoff_sets_the_wait() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BranchResult result = runner(task -> {
            if (calls.incrementAndGet() == 1) {
                throw new RetryAfterException("429 rate limited", Duration.ofSeconds(7));
            }
            return BranchOutput.text("done");
        }).run(task(null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getAttempt()).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void http_status_decides_retriability_and_client_errors_fail_at_once() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BranchResult result = runner(task -> {
            throw calls.incrementAndGet() == 1 ? new HttpException(503, "unavailable")
                    : new HttpException(400, "bad request: max_tokens too large");
        }).run(task(null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getAttempt()).as("503 retried, 400 not").isEqualTo(2);
        assertThat(result.getError().getErrorClass()).isEqualTo("HttpException");
        assertThat(result.getError().getRetriable()).isFalse();
    }

    @Test
    void no_retry_is_started_that_would_not_finish_within_the_run_budget() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BranchResult result = runner(task -> {
            calls.incrementAndGet();
            throw new RetryAfterException("429 come back in a minute", Duration.ofSeconds(60));
        }, Duration.ofSeconds(30)).run(task(null));

        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getRetriable()).as("still retriable: a replay may succeed").isTrue();
        assertThat(result.getError().getMessage()).contains("not retried").contains("record lock");
    }

    @Test
    void an_attempt_timeout_is_shortened_to_what_is_left_of_the_run_budget() throws Exception {
        BranchResult result = runner(task -> {
            new CountDownLatch(1).await();
            return BranchOutput.text("never");
        }, Duration.ofMillis(80)).run(task(10_000L));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.TIMED_OUT);
        assertThat(result.getAttempt()).as("no time left for a second attempt").isEqualTo(1);
        assertThat(result.getError().getMessage()).contains("timeout of 80 ms").contains("shortened from 10000 ms");
    }

    @Test
    void a_non_retriable_failure_fails_the_branch_after_one_attempt() throws Exception {
        BranchResult result = runner(task -> {
            throw new NonRetriableException("401 bad key");
        }).run(task(null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getAttempt()).isEqualTo(1);
        assertThat(result.getError().getErrorClass()).isEqualTo("NonRetriableException");
        assertThat(result.getError().getMessage()).isEqualTo("401 bad key");
        assertThat(result.getError().getRetriable()).isFalse();
        assertThat(waits).isEmpty();
    }

    @Test
    void an_attempt_over_its_timeout_is_interrupted_and_the_branch_ends_timed_out() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(3);
        BranchResult result = runner(blockUntilInterrupted(new CountDownLatch(3), interrupted)).run(task(50L));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.TIMED_OUT);
        assertThat(result.getAttempt()).isEqualTo(3);
        assertThat(result.getError().getRetriable()).isTrue();
        assertThat(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("every attempt interrupted").isTrue();
    }

    @Test
    void a_branch_of_a_cancelled_job_is_not_run() throws Exception {
        cancellations.cancel("job", 1);
        AtomicInteger calls = new AtomicInteger();

        BranchResult result = runner(task -> {
            calls.incrementAndGet();
            return BranchOutput.text("should not run");
        }).run(task(null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.CANCELLED);
        assertThat(result.getAttempt()).isZero();
        assertThat(calls).hasValue(0);
    }

    @Test
    void cancelling_the_job_interrupts_its_running_call() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        BranchRunner runner = runner(blockUntilInterrupted(started, interrupted));
        java.util.concurrent.Future<BranchResult> running = calls.submit(() -> runner.run(task(null)));
        assertThat(started.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        cancellations.cancel("job", 1);

        BranchResult result = running.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.getStatus()).isEqualTo(BranchStatus.CANCELLED);
        assertThat(result.getAttempt()).isEqualTo(1);
        assertThat(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the call was interrupted").isTrue();
    }

    @Test
    void a_cancel_of_an_earlier_round_does_not_touch_a_later_one() throws Exception {
        cancellations.cancel("job", 1);
        BranchTask replayed = BranchTask.newBuilder(task(null)).setRound(2).build();

        BranchResult result = runner(task -> BranchOutput.text("round 2 runs")).run(replayed);

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
    }
}
