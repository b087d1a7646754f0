package io.braid.cli.commands;

import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.policy.PolicySettings;
import io.braid.worker.WorkerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The orchestrator's {@code --policy-file}: a tenant's {@code maxConcurrency}, read and checked. */
class TenantCapPolicyTest {

    @TempDir
    Path dir;

    private Path policy(String tenants) throws Exception {
        Path file = dir.resolve("policy-" + Math.abs(tenants.hashCode()) + ".yaml");
        Files.writeString(file, "policy:\n  default: allow\n  tenants:\n" + tenants);
        return file;
    }

    @Test
    void a_tenants_cap_is_read_and_a_tenant_without_one_has_none() throws Exception {
        PolicySettings settings = WorkerConfig.loadPolicy(policy("""
                    acme: { maxConcurrency: 50 }
                    research: { tools: ["*"] }
                """));
        assertThat(settings.maxConcurrency("acme")).isEqualTo(50);
        assertThat(settings.maxConcurrency("research")).isNull();
        assertThat(settings.maxConcurrency("nobody")).isNull();
        assertThat(settings.maxConcurrency(null)).isNull();
    }

    @Test
    void a_cap_below_one_or_absurdly_high_is_refused_naming_the_setting() throws Exception {
        for (String bad : new String[] {"0", "-3", "2000000"}) {
            assertThatThrownBy(() -> WorkerConfig.loadPolicy(policy("    acme: { maxConcurrency: " + bad + " }\n")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("policy.tenants.acme.maxConcurrency " + bad)
                    .hasMessageContaining("between 1 and 1000000");
        }
    }

    @Test
    void the_orchestrator_refuses_a_policy_with_a_bad_cap_at_start() {
        PolicySettings bad = new PolicySettings(PolicySettings.Mode.ALLOW,
                Map.of("acme", new PolicySettings.Grant(null, null, 0)), Map.of());
        assertThatThrownBy(() -> OrchestratorOptions.builder("127.0.0.1:9092", "http://127.0.0.1:8081")
                .policy(bad).build())
                .hasMessageContaining("--policy-file").hasMessageContaining("policy.tenants.acme.maxConcurrency 0");
    }
}
