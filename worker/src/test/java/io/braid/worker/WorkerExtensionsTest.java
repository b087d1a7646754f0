package io.braid.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.ToolCall;
import io.braid.schema.policy.PolicySettings;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.tool.BraidTool;
import io.braid.worker.internal.WorkerModule;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.models.ChatModels;
import io.braid.worker.internal.tools.ToolRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tools an embedding application adds ({@link WorkerExtensions}) are tools like any other: policy, names, switches. */
class WorkerExtensionsTest {

    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

    private static final BraidTool GREET = new BraidTool() {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name("greet").description("Says hello").build();
        }

        @Override
        public String execute(JsonNode arguments) {
            return "hello";
        }
    };

    @AfterEach
    void stop() {
        calls.shutdownNow();
    }

    private BranchResult run(PolicySettings policy, ToolRegistry tools, String tenant) throws Exception {
        WorkerConfig config = new WorkerConfig("fast", Map.of("fast", ModelSpec.simulated(Duration.ZERO,
                Duration.ZERO)), ToolSettings.defaults(), policy);
        BranchRunner runner = new BranchRunner(WorkerModule.executorsFor(config,
                ChatModels.build(config, name -> null, false, clock), tools), calls, RetryPolicy.defaults(),
                Duration.ofSeconds(10), Duration.ofMinutes(5), "worker-test", clock, clock::advance,
                ProgressListener.NONE, new Cancellations());
        return runner.run(BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setMetadata(Map.of("tenant", tenant)).setBranch(BranchSpec.newBuilder().setBranchId("hi")
                        .setKind(BranchKind.TOOL).setTool(new ToolCall("greet", "{}")).build()).build());
    }

    @Test
    void an_added_tool_runs_and_stays_under_the_use_policy_and_the_disabled_list() throws Exception {
        ToolRegistry tools = ToolRegistry.builtIns(ToolSettings.defaults(), clock).with(List.of(GREET));
        PolicySettings calculatorOnly = new PolicySettings(PolicySettings.Mode.DENY,
                Map.of("teamA", new PolicySettings.Grant(List.of("calculator"), List.of("fast"))), null);

        assertThat(run(PolicySettings.allowAll(), tools, "teamA").getOutput()).isEqualTo("hello");
        BranchResult refused = run(calculatorOnly, tools, "teamA");
        assertThat(refused.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(refused.getError().getMessage()).contains("tool 'greet'", "tenant 'teamA'");
        assertThat(run(PolicySettings.allowAll(), tools.disabling(Set.of("greet")), "teamA").getError().getMessage())
                .contains("tool 'greet' is disabled");
    }

    @Test
    void an_added_tool_may_not_take_a_built_in_tools_name() {
        BraidTool calculator = new BraidTool() {
            @Override
            public ToolSpecification specification() {
                return ToolSpecification.builder().name("calculator").build();
            }

            @Override
            public String execute(JsonNode arguments) {
                return "0";
            }
        };

        assertThatThrownBy(() -> ToolRegistry.builtIns(ToolSettings.defaults(), clock).with(List.of(calculator)))
                .hasMessage("two tools are named 'calculator'");
    }
}
