package io.braid.worker.internal.execute;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.Hedge;
import io.braid.schema.LlmCall;
import io.braid.schema.policy.PolicySettings;
import io.braid.testing.FakeModelServer;
import io.braid.testing.JobFixtures;
import io.braid.worker.ProgressListener;
import io.braid.worker.RetryPolicy;
import io.braid.worker.WorkerConfig;
import io.braid.worker.internal.WorkerModule;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.PriceSpec;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.flow.FlowListener;
import io.braid.worker.internal.flow.ModelFlow;
import io.braid.worker.internal.models.ChatModels;
import io.braid.worker.internal.tools.ToolRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hedged LLM branches through the worker's wiring against a real HTTP fake provider: model {@code slow} answers after
 * 30 s, model {@code quick} at once; both are priced.
 */
class HedgingTest {

    private static final Duration SLOW = Duration.ofSeconds(30);

    private final FakeModelServer server = FakeModelServer.start().fallback(request ->
            request.json().path("model").asText().equals("gpt-slow")
                    ? FakeModelServer.openAiAnswer("gpt-slow", "slow answer", 40, 20).after(SLOW)
                    : FakeModelServer.openAiAnswer("gpt-quick", "quick answer", 10, 5));
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger hedges = new AtomicInteger();

    @AfterEach
    void tearDown() {
        calls.shutdownNow();
        server.close();
    }

    private ModelSpec openAi(String model) {
        return new ModelSpec(ModelProvider.OPENAI, server.baseUrl() + "/v1", model, null, null, null, null, null,
                Duration.ofMinutes(1), null, null);
    }

    private BranchRunner runner(PolicySettings policy) {
        WorkerConfig config = new WorkerConfig("slow", Map.of("slow", openAi("gpt-slow"), "quick",
                openAi("gpt-quick")), ToolSettings.defaults(), policy, Map.of(),
                Map.of("slow", new PriceSpec(1.0, 2.0), "quick", new PriceSpec(10.0, 20.0)));
        ModelFlow flow = new ModelFlow(config, Clock.systemUTC(), duration -> Thread.sleep(duration),
                new FlowListener() {
                    @Override
                    public void hedged(String model) {
                        hedges.incrementAndGet();
                    }
                });
        return new BranchRunner(WorkerModule.executorsFor(config, flow, ChatModels.build(config, name -> null,
                false, Clock.systemUTC()), ToolRegistry.builtIns()), calls,
                new RetryPolicy(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(10)), Duration.ofMinutes(1),
                Duration.ofMinutes(5), "worker-test", Clock.systemUTC(), Thread::sleep, ProgressListener.NONE,
                new Cancellations());
    }

    private static BranchTask task(String model, Hedge hedge, String tenant) {
        return BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setMetadata(tenant == null ? Map.of() : Map.of("tenant", tenant))
                .setBranch(BranchSpec.newBuilder().setBranchId("b1").setKind(BranchKind.LLM).setHedge(hedge)
                        .setLlm(LlmCall.newBuilder().setModel(model).setUserPrompt("twenty chars of text").build())
                        .build())
                .build();
    }

    @Test
    void a_slow_call_is_hedged_the_first_success_wins_the_loser_is_cancelled_and_both_are_billed()
            throws Exception {
        long start = System.nanoTime();

        BranchResult result = runner(null).run(task("slow", new Hedge(200L, "quick"), null));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not waiting for the slow call")
                .isLessThan(SLOW.dividedBy(3));
        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getOutput()).isEqualTo("quick answer");
        assertThat(result.getProviderModel()).isEqualTo("gpt-quick");
        assertThat(result.getHedgedCalls()).isEqualTo(1);
        assertThat(hedges).hasValue(1);
        assertThat(server.received()).extracting(r -> r.json().path("model").asText())
                .containsExactlyInAnyOrder("gpt-slow", "gpt-quick");
        // the winner's reported usage, plus the cut-off loser's estimated input ("twenty chars of text" = 5 tokens)
        assertThat(result.getUsage().getInputTokens()).isEqualTo(10 + 5);
        assertThat(result.getUsage().getOutputTokens()).isEqualTo(5);
        assertThat(result.getCost()).as("quick 10 in + 5 out at 10/20 per million; slow 5 in at 1 per million")
                .isCloseTo((10 * 10.0 + 5 * 20.0 + 5 * 1.0) / 1e6, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void a_call_answering_before_the_hedge_time_is_not_hedged() throws Exception {
        BranchResult result = runner(null).run(task("quick", new Hedge(5_000L, "slow"), null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getHedgedCalls()).isZero();
        assertThat(server.received()).hasSize(1);
        assertThat(result.getUsage().getInputTokens()).isEqualTo(10);
        assertThat(result.getCost()).isCloseTo(200e-6, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void without_after_ms_the_hedge_waits_for_the_models_observed_p95_and_none_before_it_is_known()
            throws Exception {
        BranchResult result = runner(null).run(task("quick", new Hedge(null, "slow"), null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getHedgedCalls()).isZero();
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void a_hedge_delay_that_is_not_positive_fails_the_branch_at_once() throws Exception {
        BranchResult result = runner(null).run(task("quick", new Hedge(0L, null), null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getRetriable()).isFalse();
        assertThat(result.getError().getMessage()).contains("hedge.afterMs 0 must be positive");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void a_hedge_model_the_jobs_tenant_may_not_use_fails_the_branch_before_any_call() throws Exception {
        PolicySettings policy = new PolicySettings(PolicySettings.Mode.DENY,
                Map.of("teamA", new PolicySettings.Grant(List.of(), List.of("slow"))), null);

        BranchResult result = runner(policy).run(task("slow", new Hedge(100L, "quick"), "teamA"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getErrorClass()).isEqualTo("PolicyRefusedException");
        assertThat(result.getError().getMessage()).contains("quick");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void each_model_call_of_an_agent_is_hedged_and_counted() throws Exception {
        // every call of 'tail' takes 20 s (a heavy tail of share 1); 'sim' answers at once
        WorkerConfig config = WorkerConfig.simulated("sim", Duration.ZERO, Duration.ZERO)
                .withModel("tail", ModelSpec.simulated(Duration.ofSeconds(2), Duration.ofSeconds(2))
                        .withSlowCalls(1.0, 10));
        BranchRunner runner = new BranchRunner(WorkerModule.executorsFor(config, ChatModels.build(config,
                name -> null, false, Clock.systemUTC()), ToolRegistry.builtIns()), calls,
                new RetryPolicy(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(10)), Duration.ofMinutes(1),
                Duration.ofMinutes(5), "worker-test", Clock.systemUTC(), Thread::sleep, ProgressListener.NONE,
                new Cancellations());
        BranchTask task = BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId("agent").setKind(BranchKind.AGENT)
                        .setHedge(new Hedge(100L, "sim"))
                        .setAgent(io.braid.schema.AgentCall.newBuilder().setModel("tail").setPrompt("2 + 3")
                                .setTools(List.of("calculator")).build()).build())
                .build();
        long start = System.nanoTime();

        BranchResult result = runner.run(task);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getToolCalls()).hasSize(1);
        assertThat(result.getHedgedCalls()).as("the tool-calling turn and the answering turn").isEqualTo(2);
    }

    @Test
    void a_hedge_after_longer_than_any_duration_in_nanoseconds_is_no_hedge_not_an_exception() throws Exception {
        BranchResult result = runner(null).run(task("quick", new Hedge(9_300_000_000_000L, "slow"), null));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getOutput()).isEqualTo("quick answer");
        assertThat(result.getHedgedCalls()).isZero();
        assertThat(server.received()).hasSize(1);
    }
}
