package io.braid.cli.commands;

import io.braid.cli.Main;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.policy.UsePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code braid run}'s embedded orchestrator judges jobs by the policy of the workers' {@code --config}. */
class RunPolicyTest {

    private static OrchestratorOptions embeddedOrchestrator(String... args) {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
        RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
        return run.workerConfig.applyPolicyTo(OrchestratorOptions.builder("127.0.0.1:9092", "http://127.0.0.1:8081"))
                .build();
    }

    @Test
    void the_workers_config_policy_reaches_the_embedded_orchestrator(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("worker.yaml"), """
                defaultModel: sim
                models:
                  sim: { provider: simulated }
                policy:
                  default: deny
                  tenants: { research: { tools: [calculator], models: [sim] } }
                """);
        UsePolicy policy = new UsePolicy(embeddedOrchestrator("run", "--config", config.toString(), "job.json")
                .policy());

        assertThat(policy.tool("research", "calculator")).isEmpty();
        assertThat(policy.tool("research", "http_get")).isPresent();
        assertThat(policy.tool(null, "calculator")).as("no tenant: the default, deny").isPresent();
    }

    @Test
    void without_a_config_the_embedded_orchestrator_allows_everything() {
        assertThat(new UsePolicy(embeddedOrchestrator("run", "job.json").policy()).allowsEverything()).isTrue();
    }
}
