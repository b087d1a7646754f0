package io.braid.worker.internal.models;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.braid.worker.WorkerConfig;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds the worker's named models from its configuration. Every provider model goes through
 * {@link ProviderHttpClient} with langchain4j's own retries off ({@code maxRetries(0)}): the worker's retry policy
 * is the one that retries, so it can honour Retry-After, the branch's attempts and the record lock.
 */
public final class ChatModels {

    private ChatModels() {
    }

    /**
     * @param env             reads environment variables (for {@code apiKeyEnv})
     * @param simulatedOutage every simulated model fails like a provider that is down
     */
    public static ModelRegistry build(WorkerConfig config, UnaryOperator<String> env, boolean simulatedOutage,
                                      Clock clock) {
        Map<String, ChatModel> models = new LinkedHashMap<>();
        config.models().forEach((name, spec) -> models.put(name, build(name, spec, env, simulatedOutage, clock)));
        return new ModelRegistry(models, config.defaultModelName());
    }

    static ChatModel build(String name, ModelSpec spec, UnaryOperator<String> env, boolean simulatedOutage,
                           Clock clock) {
        if (spec.provider() == ModelProvider.SIMULATED) {
            return new SimulatedChatModel(name,
                    spec.minLatency() == null ? Duration.ofMillis(200) : spec.minLatency(),
                    spec.maxLatency() == null ? Duration.ofMillis(600) : spec.maxLatency(), simulatedOutage,
                    spec.slowCallShareOrDefault(), spec.slowCallFactorOrDefault());
        }
        Duration timeout = spec.timeoutOrDefault();
        String key = apiKey(name, spec, env);
        ChatModel model = switch (spec.provider()) {
            case OPENAI -> OpenAiChatModel.builder()
                    .httpClientBuilder(http(name, spec, key, clock))
                    .baseUrl(spec.baseUrl())
                    .apiKey(key)
                    .modelName(spec.modelName())
                    .temperature(spec.temperature())
                    .maxTokens(spec.maxOutputTokens())
                    .timeout(timeout)
                    .maxRetries(0)
                    .build();
            case OLLAMA -> OllamaChatModel.builder()
                    .httpClientBuilder(http(name, spec, key, clock))
                    .baseUrl(ollamaUrl(spec))
                    .modelName(spec.modelName())
                    .temperature(spec.temperature())
                    .numPredict(spec.maxOutputTokens())
                    .timeout(timeout)
                    .customHeaders(ollamaHeaders(key))
                    .maxRetries(0)
                    .build();
            case ANTHROPIC -> {
                AnthropicChatModel.AnthropicChatModelBuilder anthropic = AnthropicChatModel.builder()
                        .httpClientBuilder(http(name, spec, key, clock))
                        .apiKey(key)
                        .modelName(spec.modelName())
                        .temperature(spec.temperature())
                        .maxTokens(anthropicMaxTokens(spec))
                        .timeout(timeout)
                        .maxRetries(0);
                if (spec.baseUrl() != null) {
                    anthropic.baseUrl(spec.baseUrl());
                }
                yield anthropic.build();
            }
            case SIMULATED -> throw new IllegalStateException("simulated models are built above");
        };
        return new ProviderChatModel(name, spec.toString(), model,
                spec.streamed() ? streaming(name, spec, key, clock) : null);
    }

    /**
     * The model that answers streamed calls ({@code stream: true}), on a client that checks the provider's framing
     * and end marker ({@link StreamFormat}).
     */
    private static StreamingChatModel streaming(String name, ModelSpec spec, String key, Clock clock) {
        Duration timeout = spec.timeoutOrDefault();
        return switch (spec.provider()) {
            case OPENAI -> OpenAiStreamingChatModel.builder()
                    .httpClientBuilder(http(name, spec, key, clock).streamFormat(StreamFormat.OPENAI))
                    .baseUrl(spec.baseUrl())
                    .apiKey(key)
                    .modelName(spec.modelName())
                    .temperature(spec.temperature())
                    .maxTokens(spec.maxOutputTokens())
                    .timeout(timeout)
                    .build();
            case OLLAMA -> OllamaStreamingChatModel.builder()
                    .httpClientBuilder(http(name, spec, key, clock).streamFormat(StreamFormat.OLLAMA))
                    .baseUrl(ollamaUrl(spec))
                    .modelName(spec.modelName())
                    .temperature(spec.temperature())
                    .numPredict(spec.maxOutputTokens())
                    .timeout(timeout)
                    .customHeaders(ollamaHeaders(key))
                    .build();
            case ANTHROPIC -> {
                AnthropicStreamingChatModel.AnthropicStreamingChatModelBuilder anthropic =
                        AnthropicStreamingChatModel.builder()
                                .httpClientBuilder(http(name, spec, key, clock).streamFormat(StreamFormat.ANTHROPIC))
                                .apiKey(key)
                                .modelName(spec.modelName())
                                .temperature(spec.temperature())
                                .maxTokens(anthropicMaxTokens(spec))
                                .timeout(timeout);
                if (spec.baseUrl() != null) {
                    anthropic.baseUrl(spec.baseUrl());
                }
                yield anthropic.build();
            }
            case SIMULATED -> throw new IllegalArgumentException("a simulated model streams by itself");
        };
    }

    /** One client per model: the model's timeout, key, clock and response limit. */
    private static ProviderHttpClient.Builder http(String name, ModelSpec spec, String key, Clock clock) {
        Duration timeout = spec.timeoutOrDefault();
        return ProviderHttpClient.builder().connectTimeout(timeout).readTimeout(timeout).clock(clock).secret(key)
                .maxResponseBytes(spec.maxResponseBytesOrDefault(), "models." + name + ".maxResponseBytes");
    }

    private static String ollamaUrl(ModelSpec spec) {
        return spec.baseUrl() == null ? "http://localhost:11434" : spec.baseUrl();
    }

    /** An Ollama behind an authenticating proxy takes the key as a bearer token. */
    private static Map<String, String> ollamaHeaders(String key) {
        return key == null ? Map.of() : Map.of("Authorization", "Bearer " + key);
    }

    private static int anthropicMaxTokens(ModelSpec spec) {
        return spec.maxOutputTokens() == null ? 1024 : spec.maxOutputTokens();
    }

    /** The model's API key from its environment variable or file; null when it names neither. */
    static String apiKey(String name, ModelSpec spec, UnaryOperator<String> env) {
        if (spec.apiKeyEnv() != null) {
            String key = env.apply(spec.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("model '" + name + "' takes its API key from the environment "
                        + "variable " + spec.apiKeyEnv() + ", which is not set");
            }
            return key.trim();
        }
        if (spec.apiKeyFile() != null) {
            try {
                String key = Files.readString(Path.of(spec.apiKeyFile())).trim();
                if (key.isEmpty()) {
                    throw new IllegalArgumentException("model '" + name + "': API key file " + spec.apiKeyFile()
                            + " is empty");
                }
                return key;
            } catch (IOException e) {
                throw new IllegalArgumentException("model '" + name + "': cannot read API key file "
                        + spec.apiKeyFile() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return null;
    }
}
