package io.braid.worker.internal.flow;

import dev.langchain4j.exception.RateLimitException;
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
        return new ModelFlow(config(limit), clock, wait -> {
            slept.add(wait);
            clock.advance(wait);
        }, new FlowListener() {
            @Override
            public void rateLimited(String model) {
                rateLimited.incrementAndGet();
            }

        });
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
        assertThat(calls.usage().getInputTokens()).isEqualTo(3_000);
        assertThat(calls.usage().getOutputTokens()).isEqualTo(750);
        assertThat(calls.cost()).isCloseTo((3_000 * 2.0 + 750 * 8.0) / 1e6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(server.received()).hasSize(3);
    }
}
