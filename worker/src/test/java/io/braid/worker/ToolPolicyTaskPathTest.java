package io.braid.worker;

import io.braid.schema.AgentCall;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.ToolCall;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.internal.WorkerModule;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.schema.policy.PolicySettings;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.models.ChatModels;
import io.braid.worker.internal.models.ModelRegistry;
import io.braid.worker.internal.tools.ToolRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tool policy through the worker's own wiring ({@link WorkerModule#executorsFor}) and retry loop. */
class ToolPolicyTaskPathTest {

    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final WorkerConfig config = new WorkerConfig("fast",
            Map.of("fast", ModelSpec.simulated(Duration.ZERO, Duration.ZERO)), ToolSettings.defaults(),
            new PolicySettings(PolicySettings.Mode.DENY,
                    Map.of("teamA", new PolicySettings.Grant(List.of("calculator"), List.of("fast"))), null));

    @AfterEach
    void stop() {
        calls.shutdownNow();
    }

    private BranchRunner runner(WorkerConfig config) {
        ModelRegistry models = ChatModels.build(config, name -> null, false, clock);
        ToolRegistry tools = ToolRegistry.builtIns(config.tools(), clock);
        return new BranchRunner(WorkerModule.executorsFor(config, models, tools), calls, RetryPolicy.defaults(),
                Duration.ofSeconds(10), Duration.ofMinutes(5), "worker-test", clock, clock::advance,
                ProgressListener.NONE, new Cancellations());
    }

    private static BranchTask.Builder task(String tenant, BranchSpec branch) {
        return BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setMetadata(Map.of("tenant", tenant)).setBranch(branch);
    }

    @Test
    void a_tool_the_tenant_may_not_use_fails_the_branch_once_not_retried_naming_tool_tenant_and_setting()
            throws Exception {
        BranchSpec httpGet = BranchSpec.newBuilder().setBranchId("fetch").setKind(BranchKind.TOOL)
                .setTool(new ToolCall("http_get", "{\"url\": \"https://example.org\"}")).build();
        BranchSpec sum = BranchSpec.newBuilder().setBranchId("sum").setKind(BranchKind.TOOL)
                .setTool(new ToolCall("calculator", "{\"expression\": \"1+2\"}")).build();

        BranchResult refused = runner(config).run(task("teamA", httpGet).build());
        BranchResult allowed = runner(config).run(task("teamA", sum).build());

        assertThat(refused.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(refused.getAttempt()).isEqualTo(1);
        assertThat(refused.getError().getRetriable()).isFalse();
        assertThat(refused.getError().getErrorClass()).isEqualTo("PolicyRefusedException");
        assertThat(refused.getError().getMessage()).contains("tool 'http_get'", "tenant 'teamA'",
                "policy.tenants.teamA.tools: [calculator]");
        assertThat(allowed.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
    }

    @Test
    void an_agent_naming_a_tool_its_tenant_may_not_use_is_refused_before_the_model_is_called() throws Exception {
        BranchSpec agent = BranchSpec.newBuilder().setBranchId("agent").setKind(BranchKind.AGENT)
                .setAgent(AgentCall.newBuilder().setPrompt("look it up").setTools(List.of("calculator", "http_get"))
                        .build()).build();

        BranchResult refused = runner(config).run(task("teamA", agent).build());

        assertThat(refused.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(refused.getError().getMessage()).contains("tool 'http_get'", "tenant 'teamA'");
        assertThat(refused.getUsage()).isNull();
    }

    @Test
    void a_policy_naming_a_tool_the_worker_does_not_have_stops_the_worker_at_start() {
        WorkerConfig typo = config.withPolicy(new PolicySettings(PolicySettings.Mode.DENY,
                Map.of("teamA", new PolicySettings.Grant(List.of("calcualtor"), null)), null));

        assertThatThrownBy(() -> runner(typo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.tenants.teamA.tools names 'calcualtor', which this worker does not "
                        + "have");
    }
}
