package io.braid.worker.internal.config;

import io.braid.schema.policy.PolicySettings;
import io.braid.worker.WorkerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code policy} in the worker config file: read, and what is wrong in it named. */
class PolicySettingsTest {

    private static final String MODELS = """
            defaultModel: fast
            models:
              fast:  { provider: simulated }
              local: { provider: simulated }
            """;

    @TempDir
    Path dir;

    private WorkerConfig load(String policy) throws Exception {
        return WorkerConfig.load(Files.writeString(dir.resolve("braid-worker.yaml"), MODELS + policy));
    }

    @Test
    void reads_the_default_tenants_and_models() throws Exception {
        PolicySettings policy = load("""
                policy:
                  default: deny
                  tenants:
                    teamA: { tools: [calculator, json_extract], models: [fast] }
                    research: { tools: ["*"] }
                  models:
                    local: { tools: [calculator] }
                """).policy();

        assertThat(policy.defaultMode()).isEqualTo(PolicySettings.Mode.DENY);
        assertThat(policy.tenants().get("teamA").tools()).containsExactly("calculator", "json_extract");
        assertThat(policy.tenants().get("research").models()).isNull();
        assertThat(policy.models().get("local").tools()).containsExactly("calculator");
        assertThat(policy.toolProblem(List.of("calculator", "json_extract"))).isNull();
    }

    @Test
    void no_policy_allows_everything() throws Exception {
        assertThat(load("").policy().defaultMode()).isEqualTo(PolicySettings.Mode.ALLOW);
    }

    @Test
    void mistakes_are_named_with_the_setting_and_what_would_be_right() {
        assertThatThrownBy(() -> load("policy: { default: maybe }"))
                .hasMessageContaining("policy.default 'maybe' must be allow or deny");
        assertThatThrownBy(() -> load("policy: { tenants: { teamA: { models: [judge] } } }"))
                .hasMessageContaining("policy.tenants.teamA.models names 'judge', which is not among the models "
                        + "[fast, local]");
        assertThatThrownBy(() -> load("policy: { models: { judge: { tools: [calculator] } } }"))
                .hasMessageContaining("policy.models.judge is not among the models");
        assertThatThrownBy(() -> load("policy: { tenants: { teamA: { tool: [calculator] } } }"))
                .hasMessageContaining("unknown setting 'tool'");
    }

    @Test
    void the_example_config_grants_interns_a_few_tools_and_one_model() {
        PolicySettings policy = WorkerConfig.load(Path.of("../examples/worker.yaml")).policy();

        assertThat(policy.defaultMode()).isEqualTo(PolicySettings.Mode.ALLOW);
        assertThat(policy.tenants().get("interns").tools()).containsExactly("calculator", "text_stats",
                "json_extract");
        assertThat(policy.tenants().get("interns").models()).containsExactly("fast");
    }

    @Test
    void the_policy_section_alone_is_read_from_a_worker_config_or_a_file_of_its_own() throws Exception {
        Path workerConfig = Files.writeString(dir.resolve("worker.yaml"), MODELS + """
                tools: { agent: { maxSteps: 3 } }
                policy: { default: deny, tenants: { teamA: { tools: [calculator], models: [fast] } } }
                """);
        Path alone = Files.writeString(dir.resolve("policy.yaml"), """
                policy:
                  tenants:
                    teamA: { models: [anything] }
                """);

        assertThat(WorkerConfig.loadPolicy(workerConfig).defaultMode()).isEqualTo(PolicySettings.Mode.DENY);
        assertThat(WorkerConfig.loadPolicy(alone).tenants().get("teamA").models()).containsExactly("anything");
        Path badModel = Files.writeString(dir.resolve("bad.yaml"), MODELS
                + "policy: { tenants: { teamA: { models: [judge] } } }");
        assertThatThrownBy(() -> WorkerConfig.loadPolicy(badModel))
                .hasMessageContaining("policy.tenants.teamA.models names 'judge', which is not among the models");
        assertThatThrownBy(() -> WorkerConfig.loadPolicy(Files.writeString(dir.resolve("none.yaml"), MODELS)))
                .hasMessageContaining("has no 'policy' section");
        assertThatThrownBy(() -> WorkerConfig.loadPolicy(Files.writeString(dir.resolve("typo.yaml"),
                "policy: { tenants: { teamA: { tool: [calculator] } } }")))
                .hasMessageContaining("unknown setting 'tool'");
    }
}
