package io.braid.worker;

import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.ToolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The worker config file: named models, tool settings, and clear errors for what is wrong in it. */
class WorkerConfigTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("braid-worker.yaml"), yaml);
    }

    @Test
    void readsNamedModelsAndToolSettingsWithPathsRelativeToTheFile() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        WorkerConfig config = WorkerConfig.load(write("""
                defaultModel: fast
                models:
                  fast:  { provider: openai, baseUrl: "http://vllm:8000/v1", modelName: qwen2.5, apiKeyEnv: VLLM_KEY, timeout: 45s }
                  local: { provider: ollama, modelName: llama3.2, temperature: 0.1, maxOutputTokens: 512 }
                  judge: { provider: anthropic, modelName: claude-sonnet-4-5, apiKeyFile: /run/secrets/anthropic }
                  sim:   { provider: simulated, minLatency: 10ms, maxLatency: 20ms }
                tools:
                  http_get: { allow: [wiki.internal, 10.1.0.0/16], timeout: 3s, maxBytes: 2048 }
                  search_documents: { folder: docs, maxResults: 3 }
                  calculator: { maxDigits: 50 }
                  agent: { maxSteps: 4, maxToolCalls: 9 }
                """));

        assertThat(config.models()).containsOnlyKeys("fast", "local", "judge", "sim");
        assertThat(config.defaultModelName()).isEqualTo("fast");
        ModelSpec fast = config.models().get("fast");
        assertThat(fast.provider()).isEqualTo(ModelProvider.OPENAI);
        assertThat(fast.timeoutOrDefault()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.models().get("local").maxOutputTokens()).isEqualTo(512);
        assertThat(config.models().get("sim").maxLatency()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.tools().httpGet().allow()).containsExactly("wiki.internal", "10.1.0.0/16");
        assertThat(config.tools().httpGet().maxRedirects()).isEqualTo(3);
        assertThat(config.tools().searchDocuments().folder()).isEqualTo(dir.resolve("docs").toAbsolutePath());
        assertThat(config.tools().calculator()).isEqualTo(new ToolSettings.Calculator(50, 999));
        assertThat(config.tools().agent()).isEqualTo(new ToolSettings.Agent(4, 9));
        assertThat(config.models().toString()).contains("key from $VLLM_KEY");
    }

    @Test
    void aKeyWrittenIntoTheFileIsRefused() throws Exception {
        Path file = write("models:\n  fast: { provider: openai, modelName: gpt-4o-mini, apiKey: sk-live-secret }\n");

        assertThatThrownBy(() -> WorkerConfig.load(file))
                .hasMessageContaining("models.fast.apiKey: API keys do not go in the config file")
                .hasMessageContaining("apiKeyEnv").hasMessageNotContaining("sk-live-secret");
    }

    @Test
    void mistakesNameWhereTheyAreAndWhatWouldBeRight() throws Exception {
        record Case(String yaml, String message) { }
        for (Case c : List.of(
                new Case("models:\n  fast: { provider: openia, modelName: x }\n", "unknown provider 'openia'; use one of [openai, ollama, anthropic, simulated]"),
                new Case("models:\n  fast: { provider: openai, modelname: x }\n", "unknown setting 'modelname'"),
                new Case("models:\n  fast: { provider: openai }\n", "models.fast: 'modelName' is missing"),
                new Case("models:\n  fast: { provider: anthropic, modelName: c }\n", "Anthropic needs a key"),
                new Case("models:\n  a: { provider: simulated }\n  b: { provider: simulated }\n", "'defaultModel' is missing"),
                new Case("defaultModel: c\nmodels:\n  a: { provider: simulated }\n", "defaultModel 'c' is not among the models [a]"),
                new Case("models:\n  a: { provider: simulated, minLatency: fast }\n", "'fast' is not a duration"),
                new Case("models:\n  a: { provider: openai, modelName: m, baseUrl: localhost:8000 }\n", "is not an http:// or https:// URL"),
                new Case("models:\n  a: { provider: simulated }\ntools:\n  search_documents: { folder: nowhere }\n", "is not a folder"),
                new Case("models:\n  a: { provider: simulated\n", "not valid YAML"),
                new Case("models:\n  a: { provider: simulated }\ntools:\n  calculator: { maxDigits: 0 }\n",
                        "tools.calculator.maxDigits 0 must be 1 to 10000"),
                new Case("models:\n  a: { provider: simulated }\ntools:\n  calculator: { maxExponent: 20000 }\n",
                        "tools.calculator.maxExponent 20000 must be 0 to 10000"),
                new Case("models:\n  a: { provider: simulated }\ntools:\n  http_get: { maxBytes: 0 }\n",
                        "tools.http_get.maxBytes 0 must be 1 to 67108864"),
                new Case("models:\n  a: { provider: simulated }\ntools:\n  agent: { maxToolCalls: -1 }\n",
                        "tools.agent.maxSteps and tools.agent.maxToolCalls must not be negative"),
                new Case("models:\n  a: { provider: simulated, maxOutputTokens: 2147483647 }\n",
                        "models.a.maxOutputTokens 2147483647 is outside 1..1000000"),
                new Case("models: [a, b]\n", "at models: expected a mapping of names to settings"),
                new Case("models:\n  a: { provider: simulated, maxLatency: [1] }\n", "at models.a.maxLatency: expected a single value such as 30s"),
                new Case("", "is empty"))) {
            Path file = write(c.yaml());
            assertThat(catchThrowable(() -> WorkerConfig.load(file))).as(c.yaml()).isNotNull()
                    .hasMessageContaining(c.message());
        }
        assertThatThrownBy(() -> WorkerConfig.load(dir.resolve("missing.yaml"))).hasMessageContaining("does not exist");
    }
}
