package io.braid.worker.internal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

/** Where a named model runs. */
public enum ModelProvider {
    /** Any OpenAI-compatible chat completions API: OpenAI, vLLM, Ollama's /v1, LM Studio, llama.cpp server. */
    OPENAI,
    /** Ollama's native API ({@code /api/chat}). */
    OLLAMA,
    /** Anthropic's Messages API. */
    ANTHROPIC,
    /** No model: deterministic answers marked "[simulated]" after a configured latency. */
    SIMULATED;

    @JsonCreator
    public static ModelProvider of(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.configName().equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown provider '" + name + "'; use one of "
                        + Arrays.stream(values()).map(ModelProvider::configName).toList()));
    }

    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
