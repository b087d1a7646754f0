package io.braid.worker.internal.flow;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.braid.testing.FakeModelServer;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.WorkerConfig;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.PriceSpec;
import io.braid.worker.internal.config.RateLimitSpec;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.models.ChatModels;
import io.braid.worker.internal.models.ModelRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every model call behind flow control, against a real HTTP fake provider; waits advance a manual clock. */
class FlowChatModelTest {

    private final FakeModelServer server = FakeModelServer.start();
    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final List<Duration> slept = new ArrayList<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final List<Duration> backlogs = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicReference<ModelFlow> current =
            new java.util.concurrent.atomic.AtomicReference<>();

    @AfterEach
    void tearDown() {
        server.close();
    }

    private WorkerConfig config(RateLimitSpec limit) {
        return new WorkerConfig("fast", Map.of("fast", new ModelSpec(ModelProvider.OPENAI, server.baseUrl() + "/v1",
                "gpt-fake", null, null, null, null, 100, Duration.ofSeconds(10), null, null)), ToolSettings.defaults(),
                null, Map.of("fast", limit), Map.of("fast", new PriceSpec(2.0, 8.0)));
    }

    private ModelFlow flow(RateLimitSpec limit) {
        ModelFlow flow = new ModelFlow(config(limit), clock, wait -> {
            slept.add(wait);
            backlogs.add(current.get().backlog());
            clock.advance(wait);
        }, new FlowListener() {
            @Override
            public void rateLimited(String model) {
                rateLimited.incrementAndGet();
            }

        });
        current.set(flow);
        return flow;
    }

    private ModelRegistry models(ModelFlow flow) {
        return flow.wrap(ChatModels.build(config(new RateLimitSpec(1L, null)), name -> null, false, clock));
    }

    @Test
    void a_429_halves_the_rate_and_pauses_the_model_until_its_retry_after() {
        ModelFlow flow = flow(new RateLimitSpec(600L, null));
        server.enqueue(FakeModelServer.openAiError(429, "rate_limit_exceeded", "slow down")
                .withHeader("Retry-After", "7"));

        assertThatThrownBy(() -> models(flow).model("fast").chat("hello")).isInstanceOf(RateLimitException.class);

        assertThat(rateLimited).hasValue(1);
        RateLimiter limiter = flow.limiter("fast");
        assertThat(limiter.factor()).isEqualTo(0.5);
        assertThat(limiter.allowedRequestsPerMinute()).as("600 × the 0.95 target × 0.5").isEqualTo(285.0);
        assertThat(limiter.tryAcquire(1)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void calls_wait_their_turn_parked_and_bill_the_branch_with_reported_usage() throws Exception {
        ModelFlow flow = flow(new RateLimitSpec(60L, null, 1.0)); // one a second, a fifth of a second of burst
        server.fallback(request -> FakeModelServer.openAiAnswer("gpt-fake", "ok", 1_000, 250));
        BranchCalls calls = new BranchCalls(null);
        ModelRegistry models = models(flow);

        BranchCalls.bind(calls, () -> {
            for (int i = 0; i < 3; i++) {
                models.model("fast").chat("hello " + i);
            }
            return null;
        });

        assertThat(slept).as("the second call waited 0.8 s (1 s less the burst), the third one second more")
                .containsExactly(Duration.ofMillis(800), Duration.ofSeconds(1));
        assertThat(calls.waitedNanos()).isEqualTo(Duration.ofMillis(1_800).toNanos());
        assertThat(backlogs).as("while a call waits, the model's backlog counts it: its wait plus its own second")
                .containsExactly(Duration.ofMillis(1_800), Duration.ofSeconds(2));
        assertThat(flow.backlog()).as("nobody waits now: the next turn only").isEqualTo(Duration.ofSeconds(1));
        assertThat(calls.usage().getInputTokens()).isEqualTo(3_000);
        assertThat(calls.usage().getOutputTokens()).isEqualTo(750);
        assertThat(calls.cost()).isCloseTo((3_000 * 2.0 + 750 * 8.0) / 1e6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void a_call_asking_for_two_billion_output_tokens_that_fails_400_holds_nothing_back() {
        ModelFlow flow = flow(new RateLimitSpec(null, 60_000L, 1.0)); // 1,000 tokens a second
        server.enqueue(FakeModelServer.openAiError(400, "invalid_request_error", "max_tokens is too large"));
        ChatRequest hostile = ChatRequest.builder().messages(UserMessage.from("hello"))
                .maxOutputTokens(Integer.MAX_VALUE).build();

        assertThatThrownBy(() -> models(flow).model("fast").chat(hostile)).isInstanceOf(RuntimeException.class);

        assertThat(flow.limiter("fast").tryAcquire(300))
                .as("another job's call starts at once: the failed call was settled at its 2 tokens of input")
                .isZero();
    }

    @Test
    void a_call_gets_its_turn_only_while_the_run_budget_leaves_room_for_its_attempt() throws Exception {
        ModelFlow flow = flow(new RateLimitSpec(6L, null, 1.0)); // one call every 10 s
        server.fallback(request -> FakeModelServer.openAiAnswer("gpt-fake", "ok", 10, 5));
        ModelRegistry models = models(flow);
        BranchCalls calls = new BranchCalls(clock.instant().plusSeconds(12));
        calls.attemptStarted(Duration.ofSeconds(5).toNanos());
        BranchCalls.bind(calls, () -> models.model("fast").chat("first"));

        assertThatThrownBy(() -> BranchCalls.bind(calls, () -> models.model("fast").chat("second")))
                .as("its turn comes 9.8 s on, with 2.2 s of the budget left: too little for a 5 s attempt")
                .isInstanceOf(NoTurnException.class);
        assertThat(slept).isEmpty();

        for (int i = 0; i < LatencyReservoir.MIN_SAMPLES; i++) {
            flow.latencies("fast").record(Duration.ofMillis(200));
        }
        BranchCalls.bind(calls, () -> models.model("fast").chat("third"));
        assertThat(slept).as("calls of the model take 0.2 s: 2.2 s left is room enough (1 s at least)")
                .containsExactly(Duration.ofMillis(9_800));
    }
}
