package io.braid.worker.internal.execute;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.schema.ToolCall;
import io.braid.testing.JobFixtures;
import io.braid.schema.policy.PolicySettings.Grant;
import io.braid.schema.policy.PolicySettings.Mode;
import io.braid.schema.policy.PolicySettings.ModelGrant;
import io.braid.schema.policy.PolicySettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator's tool and model policy, decided per job tenant and per model, with the setting named. */
class PolicyCheckTest {

    private static final PolicySettings DENY = new PolicySettings(Mode.DENY,
            Map.of("teamA", new Grant(List.of("calculator", "json_extract"), List.of("fast")),
                    "research", new Grant(List.of(PolicySettings.ANY), null)),
            Map.of("local", new ModelGrant(List.of("calculator"))));

    static BranchTask task(String tenant) {
        return BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setMetadata(tenant == null ? Map.of() : Map.of("tenant", tenant))
                .setBranch(BranchSpec.newBuilder().setBranchId("b").setKind(BranchKind.TOOL)
                        .setTool(new ToolCall("calculator", "{}")).build())
                .build();
    }

    @Test
    void a_listed_tenant_uses_its_granted_tools_and_models_and_nothing_else() {
        PolicyCheck policy = new PolicyCheck(DENY);

        assertThatCode(() -> policy.checkTool(task("teamA"), "calculator")).doesNotThrowAnyException();
        assertThatCode(() -> policy.checkModel(task("teamA"), "fast")).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkTool(task("teamA"), "http_get"))
                .isInstanceOf(PolicyCheck.PolicyRefusedException.class)
                .hasMessage("tool 'http_get' is not allowed for tenant 'teamA' on this worker "
                        + "(policy.tenants.teamA.tools: [calculator, json_extract]); ask the operator to grant it, "
                        + "or use an allowed tool");
        assertThatThrownBy(() -> policy.checkModel(task("teamA"), "judge"))
                .hasMessageContaining("model 'judge'").hasMessageContaining("policy.tenants.teamA.models: [fast]");
    }

    @Test
    void default_deny_refuses_jobs_without_a_tenant_unlisted_tenants_and_lists_left_out() {
        PolicyCheck policy = new PolicyCheck(DENY);

        assertThatThrownBy(() -> policy.checkTool(task(null), "calculator"))
                .hasMessageContaining("for jobs without metadata.tenant").hasMessageContaining("policy.default: deny");
        assertThatThrownBy(() -> policy.checkTool(task("mallory"), "calculator"))
                .hasMessageContaining("tenant 'mallory' is not under policy.tenants, so policy.default: deny");
        assertThatThrownBy(() -> policy.checkModel(task("research"), "fast"))
                .hasMessageContaining("policy.tenants.research lists no models, so policy.default: deny applies");
        assertThatCode(() -> policy.checkTool(task("research"), "http_get")).doesNotThrowAnyException();
    }

    @Test
    void default_allow_lets_unlisted_jobs_use_everything_but_listed_tenants_keep_their_lists() {
        PolicyCheck policy = new PolicyCheck(new PolicySettings(Mode.ALLOW,
                Map.of("teamA", new Grant(List.of("calculator"), null)), null));

        assertThatCode(() -> policy.checkTool(task(null), "http_get")).doesNotThrowAnyException();
        assertThatCode(() -> policy.checkModel(task("teamA"), "judge")).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkTool(task("teamA"), "http_get"))
                .hasMessageContaining("policy.tenants.teamA.tools: [calculator]");
    }

    @Test
    void an_agents_tool_list_is_checked_against_its_tenant_and_its_model() {
        PolicyCheck policy = new PolicyCheck(DENY);

        assertThatCode(() -> policy.checkAgentTools(task("research"), "fast", List.of("http_get")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkAgentTools(task("teamA"), "fast", List.of("calculator", "http_get")))
                .hasMessageContaining("tool 'http_get'").hasMessageContaining("tenant 'teamA'");
        assertThatThrownBy(() -> policy.checkAgentTools(task("research"), "local", List.of("http_get")))
                .isInstanceOf(PolicyCheck.PolicyRefusedException.class)
                .hasMessageContaining("agents on model 'local'").hasMessageContaining("policy.models.local.tools");
    }
}
