package io.braid.worker.internal.execute;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.schema.AgentCall;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.testing.JobFixtures;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.models.ModelRegistry;
import io.braid.worker.internal.tools.ToolRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An agent whose model never stops asking for tools is held to this worker's step and tool-call limits. */
class AgentLimitsTest {

    private final AtomicInteger turns = new AtomicInteger();

    /** A model that asks for {@code perTurn} current_time calls every turn, forever. */
    private ModelRegistry greedyModel(int perTurn) {
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                int turn = turns.incrementAndGet();
                List<ToolExecutionRequest> calls = IntStream.range(0, perTurn).mapToObj(i -> ToolExecutionRequest
                        .builder().id("call-" + turn + "-" + i).name("current_time").arguments("{}").build()).toList();
                return ChatResponse.builder().aiMessage(AiMessage.from(calls)).build();
            }
        };
        return new ModelRegistry(Map.of("greedy", model), "greedy");
    }

    private static BranchTask agentTask(int maxSteps) {
        return BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId("agent").setKind(BranchKind.AGENT)
                        .setAgent(AgentCall.newBuilder().setPrompt("loop").setTools(List.of("current_time"))
                                .setMaxSteps(maxSteps).build()).build())
                .build();
    }

    @Test
    void a_job_asking_for_more_steps_than_the_worker_allows_is_held_to_the_workers_limit_which_is_named() {
        AgentBranchExecutor agent = new AgentBranchExecutor(greedyModel(1), ToolRegistry.builtIns(),
                new ToolSettings.Agent(3, 100));

        assertThatThrownBy(() -> agent.execute(agentTask(1_000_000)))
                .isInstanceOf(AgentBranchExecutor.AgentStepLimitException.class)
                .hasMessageContaining("after its 3 tool steps")
                .hasMessageContaining("this worker's limit (tools.agent.maxSteps; the job asked for 1000000)");
        assertThat(turns).hasValue(4);
    }

    @Test
    void a_jobs_own_lower_step_limit_still_applies() {
        AgentBranchExecutor agent = new AgentBranchExecutor(greedyModel(1), ToolRegistry.builtIns(),
                ToolSettings.Agent.defaults());

        assertThatThrownBy(() -> agent.execute(agentTask(2)))
                .hasMessageContaining("after its 2 tool steps").hasMessageContaining("raise maxSteps");
    }

    @Test
    void tool_calls_are_counted_over_all_turns_and_a_turn_that_would_pass_the_limit_runs_none() {
        AgentBranchExecutor agent = new AgentBranchExecutor(greedyModel(4), ToolRegistry.builtIns(),
                new ToolSettings.Agent(100, 10));

        assertThatThrownBy(() -> agent.execute(agentTask(100)))
                .isInstanceOf(AgentBranchExecutor.AgentStepLimitException.class)
                .hasMessageContaining("asked for 4 more tool calls after its 8 tool calls")
                .hasMessageContaining("over this worker's limit of 10 per branch (tools.agent.maxToolCalls)");
        assertThat(turns).hasValue(3);
    }

    @Test
    void one_turn_asking_for_thousands_of_calls_runs_none_of_them() {
        AgentBranchExecutor agent = new AgentBranchExecutor(greedyModel(5_000), ToolRegistry.builtIns(),
                ToolSettings.Agent.defaults());

        assertThatThrownBy(() -> agent.execute(agentTask(5)))
                .hasMessageContaining("asked for 5000 more tool calls after its 0 tool calls")
                .hasMessageContaining("limit of 50 per branch");
    }
}
