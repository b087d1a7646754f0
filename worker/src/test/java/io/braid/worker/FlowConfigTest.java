package io.braid.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flow-control sections of the worker config: rate limits, prices, the simulated heavy tail. */
class FlowConfigTest {

    @TempDir
    Path dir;

    private WorkerConfig load(String flow) throws Exception {
        return WorkerConfig.load(Files.writeString(dir.resolve("braid-worker.yaml"), """
                defaultModel: fast
                models:
                  fast: { provider: simulated, minLatency: 1ms, maxLatency: 2ms }
                  slow: { provider: simulated, slowCallShare: 0.05, slowCallFactor: 10 }
                """ + flow));
    }

    @Test
    void reads_rate_limits_prices_and_the_heavy_tail() throws Exception {
        WorkerConfig config = load("""
                rateLimits:
                  fast: { requestsPerMinute: 500, tokensPerMinute: 200000, target: 0.9 }
                  slow: { tokensPerMinute: 1000 }
                prices:
                  fast: { inputPerMillion: 0.15, outputPerMillion: 0.6 }
                """);

        assertThat(config.rateLimits().get("fast").requestsPerMinute()).isEqualTo(500L);
        assertThat(config.rateLimits().get("slow").requestsPerMinute()).isNull();
        assertThat(config.rateLimits().get("fast").targetOrDefault()).isEqualTo(0.9);
        assertThat(config.rateLimits().get("slow").targetOrDefault()).isEqualTo(0.95);
        assertThat(config.prices().get("fast").cost(new io.braid.schema.TokenUsage(1_000_000, 2_000_000)))
                .isEqualTo(1.35);
        assertThat(config.models().get("slow").slowCallShareOrDefault()).isEqualTo(0.05);
        assertThat(config.models().get("fast").slowCallFactorOrDefault()).isEqualTo(10.0);
    }

    @Test
    void negative_zero_and_absurd_limits_are_refused_naming_the_setting() {
        assertThatThrownBy(() -> load("rateLimits: { fast: { requestsPerMinute: -5 } }\n"))
                .hasMessageContaining("rateLimits.fast.requestsPerMinute -5 is outside 1..10000000");
        assertThatThrownBy(() -> load("rateLimits: { fast: { requestsPerMinute: 0 } }\n"))
                .hasMessageContaining("rateLimits.fast.requestsPerMinute 0");
        assertThatThrownBy(() -> load("rateLimits: { fast: { requestsPerMinute: 20000000 } }\n"))
                .hasMessageContaining("rateLimits.fast.requestsPerMinute 20000000 is outside");
        assertThatThrownBy(() -> load("rateLimits: { fast: { tokensPerMinute: -1 } }\n"))
                .hasMessageContaining("rateLimits.fast.tokensPerMinute -1");
        assertThatThrownBy(() -> load("rateLimits: { fast: { } }\n"))
                .hasMessageContaining("rateLimits.fast sets no limit");
        assertThatThrownBy(() -> load("rateLimits: { fast: { requestsPerMinute: 10, target: 1.5 } }\n"))
                .hasMessageContaining("rateLimits.fast.target 1.5 is outside 0.5..1");
        assertThatThrownBy(() -> load("rateLimits: { fast: { requestsPerMinute: 10, target: 0.1 } }\n"))
                .hasMessageContaining("rateLimits.fast.target 0.1 is outside 0.5..1");
    }

    @Test
    void a_limit_or_price_of_an_unknown_model_is_refused() {
        assertThatThrownBy(() -> load("rateLimits: { gpt5: { requestsPerMinute: 10 } }\n"))
                .hasMessageContaining("rateLimits.gpt5 names a model that is not among the models [fast, slow]");
        assertThatThrownBy(() -> load("prices: { gpt5: { inputPerMillion: 1 } }\n"))
                .hasMessageContaining("prices.gpt5 names a model that is not among the models");
    }

    @Test
    void negative_prices_and_bad_tails_are_refused() {
        assertThatThrownBy(() -> load("prices: { fast: { inputPerMillion: -0.1 } }\n"))
                .hasMessageContaining("prices.fast.inputPerMillion -0.1 is outside 0..1000000");
        assertThatThrownBy(() -> load("prices: { fast: { outputPerMillion: -2 } }\n"))
                .hasMessageContaining("prices.fast.outputPerMillion -2.0 is outside");
        assertThatThrownBy(() -> WorkerConfig.load(Files.writeString(dir.resolve("tail.yaml"),
                "models: { sim: { provider: simulated, slowCallShare: 1.5 } }\n")))
                .hasMessageContaining("models.sim.slowCallShare 1.5 is outside 0..1");
        assertThatThrownBy(() -> WorkerConfig.load(Files.writeString(dir.resolve("tail2.yaml"),
                "models: { gpt: { provider: openai, modelName: gpt-4o, slowCallShare: 0.1 } }\n")))
                .hasMessageContaining("models.gpt: slowCallShare and slowCallFactor are for simulated models only");
    }
}
