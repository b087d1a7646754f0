package io.braid.schema.policy;

import io.braid.schema.policy.PolicySettings.Grant;
import io.braid.schema.policy.PolicySettings.Mode;
import io.braid.schema.policy.PolicySettings.ModelGrant;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure decision both the worker and the dispatcher apply: allowed, or refused naming the deciding setting. */
class UsePolicyTest {

    private final UsePolicy policy = new UsePolicy(new PolicySettings(Mode.DENY,
            Map.of("teamA", new Grant(List.of("calculator"), null)), Map.of("local", new ModelGrant(List.of()))));

    @Test
    void a_refusal_names_what_to_whom_the_setting_and_what_to_do() {
        UsePolicy.Refusal refusal = policy.tool("teamA", "http_get").orElseThrow();

        assertThat(refusal.what()).isEqualTo("tool 'http_get' is not allowed for tenant 'teamA'");
        assertThat(refusal.setting()).isEqualTo("policy.tenants.teamA.tools: [calculator]");
        assertThat(refusal.message("here")).isEqualTo("tool 'http_get' is not allowed for tenant 'teamA' here "
                + "(policy.tenants.teamA.tools: [calculator]); ask the operator to grant it, or use an allowed tool");
        assertThat(policy.tool("teamA", "calculator")).isEmpty();
        assertThat(policy.model("teamA", "fast").orElseThrow().setting())
                .isEqualTo("policy.tenants.teamA lists no models, so policy.default: deny applies");
        assertThat(policy.model(null, "fast").orElseThrow().what()).endsWith("for jobs without metadata.tenant");
    }

    @Test
    void an_agent_tool_needs_the_tenant_and_the_model_and_a_model_left_to_the_worker_is_not_judged() {
        assertThat(policy.agentTool("teamA", "local", "calculator").orElseThrow().setting())
                .isEqualTo("policy.models.local.tools: []");
        assertThat(policy.agentTool("teamA", null, "calculator")).isEmpty();
        assertThat(policy.agentTool("teamA", null, "http_get")).isPresent();
    }

    @Test
    void no_policy_allows_everything_and_says_so() {
        assertThat(UsePolicy.allowAll().allowsEverything()).isTrue();
        assertThat(policy.allowsEverything()).isFalse();
        assertThat(UsePolicy.allowAll().tool("anyone", "http_get")).isEmpty();
        assertThat(UsePolicy.tenantOf(Map.of("tenant", "t"))).isEqualTo("t");
        assertThat(UsePolicy.tenantOf(null)).isNull();
    }
}
