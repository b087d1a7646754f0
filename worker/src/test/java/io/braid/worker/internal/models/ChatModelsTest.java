package io.braid.worker.internal.models;

import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where API keys come from, and the Retry-After forms a provider may send. */
class ChatModelsTest {

    @Test
    void keysComeFromTheNamedEnvironmentVariableOrFileAndAMissingOneIsNamed(@TempDir Path dir) throws Exception {
        ModelSpec fromEnv = spec("OPENAI_KEY_FOR_TEST", null);
        assertThat(ChatModels.apiKey("fast", fromEnv, Map.of("OPENAI_KEY_FOR_TEST", " sk-1 \n")::get)).isEqualTo("sk-1");
        assertThatThrownBy(() -> ChatModels.apiKey("fast", fromEnv, name -> null))
                .hasMessageContaining("environment variable OPENAI_KEY_FOR_TEST, which is not set");

        Path file = Files.writeString(dir.resolve("key"), "sk-from-file\n");
        assertThat(ChatModels.apiKey("fast", spec(null, file.toString()), name -> null)).isEqualTo("sk-from-file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> ChatModels.apiKey("fast", spec(null, empty.toString()), name -> null))
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> ChatModels.apiKey("fast", spec(null, dir.resolve("none").toString()), name -> null))
                .hasMessageContaining("cannot read API key file");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
        assertThat(ProviderHttpClient.parseRetryAfter("20", clock)).contains(Duration.ofSeconds(20));
        assertThat(ProviderHttpClient.parseRetryAfter("Tue, 24 Nov 2026 10:01:30 GMT", clock))
                .contains(Duration.ofSeconds(90));
        assertThat(ProviderHttpClient.parseRetryAfter("Tue, 24 Nov 2026 09:00:00 GMT", clock)).contains(Duration.ZERO);
        assertThat(ProviderHttpClient.parseRetryAfter("soon", clock)).isEmpty();
        assertThat(ProviderHttpClient.parseRetryAfter("-3", clock)).isEmpty();
    }

    private static ModelSpec spec(String env, String file) {
        return new ModelSpec(ModelProvider.OPENAI, null, "gpt-4o-mini", env, file, null, null, null, null, null, null);
    }
}
