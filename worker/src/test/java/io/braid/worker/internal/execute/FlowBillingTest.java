package io.braid.worker.internal.execute;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.LlmCall;
import io.braid.testing.JobFixtures;
import io.braid.worker.BranchOutput;
import io.braid.worker.ProgressListener;
import io.braid.worker.RetryPolicy;
import io.braid.worker.WorkerConfig;
import io.braid.worker.internal.config.PriceSpec;
import io.braid.worker.internal.config.RateLimitSpec;
import io.braid.worker.internal.flow.FlowListener;
import io.braid.worker.internal.flow.ModelFlow;
import io.braid.worker.internal.flow.NoTurnException;
import io.braid.worker.internal.models.ModelRegistry;
import io.braid.worker.internal.models.SimulatedChatModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a branch run's model calls spend across attempts, and a run that cannot get its turn in time. */
class FlowBillingTest {

    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger givenBack = new AtomicInteger();

    @AfterEach
    void tearDown() {
        calls.shutdownNow();
    }

    private ModelFlow flow(Map<String, RateLimitSpec> limits) {
        WorkerConfig config = WorkerConfig.simulated("sim", Duration.ZERO, Duration.ZERO)
                .withFlow(limits, Map.of("sim", new PriceSpec(1_000.0, 2_000.0)));
        return new ModelFlow(config, Clock.systemUTC(), duration -> Thread.sleep(duration), new FlowListener() {
            @Override
            public void noTurn(String model) {
                givenBack.incrementAndGet();
            }
        });
    }

    private BranchRunner runner(io.braid.worker.BranchExecutor executor, Duration runBudget) {
        return new BranchRunner(Map.of(BranchKind.LLM, executor), calls,
                new RetryPolicy(3, Duration.ofMillis(1), 1.0, Duration.ofMillis(1)), Duration.ofSeconds(5), runBudget,
                "worker-test", Clock.systemUTC(), Thread::sleep, ProgressListener.NONE, new Cancellations());
    }

    private static BranchTask task(String branchId) {
        return BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId(branchId).setKind(BranchKind.LLM)
                        .setLlm(LlmCall.newBuilder().setModel("sim").setUserPrompt("one two three").build()).build())
                .build();
    }

    @Test
    void usage_and_cost_sum_every_call_of_every_attempt() throws Exception {
        ModelRegistry models = flow(Map.of()).wrap(new ModelRegistry(Map.of("sim",
                new SimulatedChatModel("sim", Duration.ZERO, Duration.ZERO)), "sim"));
        ChatModel model = models.model("sim");
        AtomicInteger attempts = new AtomicInteger();
        // each attempt makes one call (3 words in, 9 out: the simulated answer); the first attempt then fails
        BranchResult result = runner(task -> {
            var response = model.chat(ChatRequest.builder().messages(UserMessage.from("one two three")).build());
            if (attempts.incrementAndGet() == 1) {
                throw new RetriableException("503 after the call");
            }
            return BranchOutput.text(response.aiMessage().text());
        }, Duration.ofMinutes(1)).run(task("b1"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getAttempt()).isEqualTo(2);
        int out = result.getUsage().getOutputTokens() / 2;
        assertThat(result.getUsage().getInputTokens()).as("both attempts' calls").isEqualTo(2 * 3);
        assertThat(result.getCost()).isCloseTo((6 * 1_000.0 + 2 * out * 2_000.0) / 1e6,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void a_run_that_cannot_get_its_turn_before_the_record_lock_ends_is_given_back() throws Exception {
        ModelRegistry models = flow(Map.of("sim", new RateLimitSpec(1L, null))).wrap(new ModelRegistry(Map.of("sim",
                new SimulatedChatModel("sim", Duration.ZERO, Duration.ZERO)), "sim"));
        BranchRunner runner = runner(new LlmBranchExecutor(models), Duration.ofSeconds(3));

        assertThat(runner.run(task("first")).getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(task("second"))).isInstanceOf(NoTurnException.class)
                .hasMessageContaining("rateLimits.sim");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("gave up at once: the turn is a minute away")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(givenBack).hasValue(1);
    }

    @Test
    void no_turn_after_an_attempt_already_spent_answers_failed_with_the_spend_instead_of_giving_back()
            throws Exception {
        ModelRegistry models = flow(Map.of("sim", new RateLimitSpec(1L, null))).wrap(new ModelRegistry(Map.of("sim",
                new SimulatedChatModel("sim", Duration.ZERO, Duration.ZERO)), "sim"));
        ChatModel model = models.model("sim");
        // the first attempt's call is sent, then the attempt fails; the retry's call has no turn for a minute
        BranchResult result = runner(task -> {
            model.chat(ChatRequest.builder().messages(UserMessage.from("one two three")).build());
            throw new RetriableException("503 after the call");
        }, Duration.ofSeconds(3)).run(task("spent"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getErrorClass()).isEqualTo("NoTurnException");
        assertThat(result.getError().getRetriable()).isTrue();
        assertThat(result.getUsage().getInputTokens()).as("the first attempt's call, billed once").isEqualTo(3);
        assertThat(result.getCost()).isPositive();
        assertThat(givenBack).hasValue(1);
    }

    @Test
    void a_timed_out_attempt_waits_for_its_cut_off_call_to_bill_before_the_result() throws Exception {
        ChatModel slowToStop = new ChatModel() {
            @Override
            public dev.langchain4j.model.chat.response.ChatResponse chat(ChatRequest request) {
                try {
                    new java.util.concurrent.CountDownLatch(1).await(); // until the attempt times out
                    throw new IllegalStateException("not reached");
                } catch (InterruptedException e) {
                    // the HTTP client takes a while to unwind after the interrupt
                    long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
                    for (long now = System.nanoTime(); now < until; now = System.nanoTime()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(until - now);
                    }
                    Thread.currentThread().interrupt();
                    throw new RetriableException("cut off", e);
                }
            }
        };
        ModelRegistry models = flow(Map.of()).wrap(new ModelRegistry(Map.of("sim", slowToStop), "sim"));
        BranchTask task = task("slow");
        task.getBranch().setTimeoutMs(200L);
        task.getBranch().setMaxAttempts(1);

        BranchResult result = runner(new LlmBranchExecutor(models), Duration.ofMinutes(1)).run(task);

        assertThat(result.getStatus()).isEqualTo(BranchStatus.TIMED_OUT);
        assertThat(result.getUsage()).as("the cut-off call's input, billed before the result was built").isNotNull();
        assertThat(result.getUsage().getInputTokens()).isEqualTo(4); // "one two three": 13 characters
    }

    @Test
    void a_task_written_straight_to_the_topic_with_an_absurd_max_output_fails_non_retriably_naming_it()
            throws Exception {
        AtomicInteger sent = new AtomicInteger();
        ChatModel simulated = new SimulatedChatModel("sim", Duration.ZERO, Duration.ZERO);
        ChatModel counting = new ChatModel() {
            @Override
            public dev.langchain4j.model.chat.response.ChatResponse chat(ChatRequest request) {
                sent.incrementAndGet();
                return simulated.chat(request);
            }
        };
        ModelRegistry models = flow(Map.of("sim", new RateLimitSpec(null, 60_000L)))
                .wrap(new ModelRegistry(Map.of("sim", counting), "sim"));
        BranchRunner runner = runner(new LlmBranchExecutor(models), Duration.ofMinutes(1));
        for (int hostile : new int[] {Integer.MAX_VALUE, 1_000_001, 0, -1}) {
            BranchTask task = task("hostile");
            task.getBranch().getLlm().setMaxOutputTokens(hostile);

            BranchResult result = runner.run(task);

            assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
            assertThat(result.getAttempt()).as("not retried").isEqualTo(1);
            assertThat(result.getError().getRetriable()).isFalse();
            assertThat(result.getError().getMessage())
                    .contains("llm.maxOutputTokens " + hostile + " is outside 1..1000000");
        }
        assertThat(sent).as("no call was sent").hasValue(0);
    }
}
