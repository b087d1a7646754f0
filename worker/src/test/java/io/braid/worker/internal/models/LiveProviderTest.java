package io.braid.worker.internal.models;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls real providers. Each test runs only when its environment variables are set (never in CI here):
 * {@code OPENAI_API_KEY} (and optionally {@code OPENAI_BASE_URL}, {@code OPENAI_MODEL}) for any OpenAI-compatible
 * API; {@code OLLAMA_BASE_URL} (and {@code OLLAMA_MODEL}) for Ollama; {@code ANTHROPIC_API_KEY} (and
 * {@code ANTHROPIC_MODEL}) for Anthropic.
 */
class LiveProviderTest {

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void assertAnswers(ModelSpec spec) {
        ChatModel model = ChatModels.build("live", spec, System::getenv, false, Clock.systemUTC());
        ChatResponse response = model.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("Reply with the single word: pong"))
                .maxOutputTokens(20).build());
        assertThat(response.aiMessage().text()).containsIgnoringCase("pong");
        assertThat(response.tokenUsage()).isNotNull();
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "OPENAI_API_KEY", matches = ".+")
    void openAiCompatible() {
        assertAnswers(new ModelSpec(ModelProvider.OPENAI, env("OPENAI_BASE_URL", null),
                env("OPENAI_MODEL", "gpt-4o-mini"), "OPENAI_API_KEY", null, null, null, null, Duration.ofSeconds(60),
                null, null));
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "OLLAMA_BASE_URL", matches = ".+")
    void ollama() {
        assertAnswers(new ModelSpec(ModelProvider.OLLAMA, env("OLLAMA_BASE_URL", null), env("OLLAMA_MODEL", "llama3.2"),
                null, null, null, null, null, Duration.ofSeconds(120), null, null));
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "ANTHROPIC_API_KEY", matches = ".+")
    void anthropic() {
        assertAnswers(new ModelSpec(ModelProvider.ANTHROPIC, null, env("ANTHROPIC_MODEL", "claude-haiku-4-5"),
                "ANTHROPIC_API_KEY", null, null, null, null, Duration.ofSeconds(60), null, null));
    }
}
