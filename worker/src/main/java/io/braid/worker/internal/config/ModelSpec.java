package io.braid.worker.internal.config;

import java.time.Duration;

/**
 * One named model of the worker's configuration ({@code models.<name>} in the config file).
 *
 * @param provider        where it runs
 * @param baseUrl         the API's base URL; null = the provider's public endpoint (OpenAI, Anthropic) or
 *                        {@code http://localhost:11434} (Ollama)
 * @param modelName       the provider's model, e.g. {@code gpt-4o-mini}, {@code llama3.2}, {@code claude-sonnet-4-5}
 * @param apiKeyEnv       the environment variable holding the API key
 * @param apiKeyFile      a file holding the API key (e.g. a mounted Kubernetes secret)
 * @param apiKey          refused: keys never go in the config file
 * @param temperature     default temperature when a branch sets none
 * @param maxOutputTokens default output limit when a branch sets none
 * @param timeout         how long one call may wait for the answer (default 60 s); the branch timeout still applies
 * @param minLatency      simulated: fastest answer (default 200 ms)
 * @param maxLatency      simulated: slowest answer (default 600 ms)
 * @param slowCallShare   simulated: the share of calls (0..1, default 0) that take {@code slowCallFactor} times
 *                        their drawn latency — a heavy tail, as real providers have
 * @param slowCallFactor  simulated: how many times slower a slow call is (default {@value #DEFAULT_SLOW_CALL_FACTOR})
 * @param stream          openai, ollama, anthropic: ask for the answer as a stream, so a running branch's output
 *                        shows as it is generated (BRANCH_OUTPUT events, the web console); calls offering tools are
 *                        not streamed
 * @param maxResponseBytes the most bytes one answer (whole body, or whole stream) may have (default
 *                        {@value #DEFAULT_MAX_RESPONSE_BYTES}): past it the call fails, not retried
 */
public record ModelSpec(
        ModelProvider provider,
        String baseUrl,
        String modelName,
        String apiKeyEnv,
        String apiKeyFile,
        String apiKey,
        Double temperature,
        Integer maxOutputTokens,
        Duration timeout,
        Duration minLatency,
        Duration maxLatency,
        Double slowCallShare,
        Double slowCallFactor,
        Boolean stream,
        Long maxResponseBytes) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** 8 MiB: far above any model's answer, far below what a worker's heap can hold several of at once. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 8L << 20;
    /** The least {@code maxResponseBytes} accepted: an error body or a one-word answer must fit. */
    public static final long MIN_MAX_RESPONSE_BYTES = 1L << 10;
    /** The most {@code maxResponseBytes} accepted: more is a heap hazard, not an answer. */
    public static final long MAX_MAX_RESPONSE_BYTES = 256L << 20;
    /** How many times slower a simulated slow call is unless {@code slowCallFactor} says. */
    public static final double DEFAULT_SLOW_CALL_FACTOR = 10;

    @com.fasterxml.jackson.annotation.JsonCreator
    public ModelSpec {
    }

    /** With the default response limit. */
    public ModelSpec(ModelProvider provider, String baseUrl, String modelName, String apiKeyEnv, String apiKeyFile,
                     String apiKey, Double temperature, Integer maxOutputTokens, Duration timeout,
                     Duration minLatency, Duration maxLatency, Double slowCallShare, Double slowCallFactor,
                     Boolean stream) {
        this(provider, baseUrl, modelName, apiKeyEnv, apiKeyFile, apiKey, temperature, maxOutputTokens, timeout,
                minLatency, maxLatency, slowCallShare, slowCallFactor, stream, null);
    }

    /** Not streamed. */
    public ModelSpec(ModelProvider provider, String baseUrl, String modelName, String apiKeyEnv, String apiKeyFile,
                     String apiKey, Double temperature, Integer maxOutputTokens, Duration timeout,
                     Duration minLatency, Duration maxLatency, Double slowCallShare, Double slowCallFactor) {
        this(provider, baseUrl, modelName, apiKeyEnv, apiKeyFile, apiKey, temperature, maxOutputTokens, timeout,
                minLatency, maxLatency, slowCallShare, slowCallFactor, null);
    }

    /** Without a slow tail. */
    public ModelSpec(ModelProvider provider, String baseUrl, String modelName, String apiKeyEnv, String apiKeyFile,
                     String apiKey, Double temperature, Integer maxOutputTokens, Duration timeout,
                     Duration minLatency, Duration maxLatency) {
        this(provider, baseUrl, modelName, apiKeyEnv, apiKeyFile, apiKey, temperature, maxOutputTokens, timeout,
                minLatency, maxLatency, null, null);
    }

    public static ModelSpec simulated(Duration minLatency, Duration maxLatency) {
        return new ModelSpec(ModelProvider.SIMULATED, null, null, null, null, null, null, null, null, minLatency,
                maxLatency);
    }

    /** This simulated model with {@code share} of its calls {@code factor} times slower. */
    public ModelSpec withSlowCalls(double share, double factor) {
        return new ModelSpec(provider, baseUrl, modelName, apiKeyEnv, apiKeyFile, apiKey, temperature,
                maxOutputTokens, timeout, minLatency, maxLatency, share, factor, stream, maxResponseBytes);
    }

    public double slowCallShareOrDefault() {
        return slowCallShare == null ? 0 : slowCallShare;
    }

    public double slowCallFactorOrDefault() {
        return slowCallFactor == null ? DEFAULT_SLOW_CALL_FACTOR : slowCallFactor;
    }

    /** Whether answers are asked for as a stream. */
    public boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }

    public long maxResponseBytesOrDefault() {
        return maxResponseBytes == null ? DEFAULT_MAX_RESPONSE_BYTES : maxResponseBytes;
    }

    public Duration timeoutOrDefault() {
        return timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** What is wrong with this model's settings, or null; {@code name} is its name in the config. */
    public String problem(String name) {
        String at = "models." + name;
        if (provider == null) {
            return at + ": 'provider' is missing; use one of openai, ollama, anthropic, simulated";
        }
        if (apiKey != null) {
            return at + ".apiKey: API keys do not go in the config file; put the key in an environment variable "
                    + "(apiKeyEnv: OPENAI_API_KEY) or a file (apiKeyFile: /run/secrets/openai)";
        }
        if (apiKeyEnv != null && apiKeyFile != null) {
            return at + ": set apiKeyEnv or apiKeyFile, not both";
        }
        if (provider != ModelProvider.SIMULATED && (modelName == null || modelName.isBlank())) {
            return at + ": 'modelName' is missing (the provider's model, e.g. gpt-4o-mini or llama3.2)";
        }
        if (provider == ModelProvider.ANTHROPIC && apiKeyEnv == null && apiKeyFile == null) {
            return at + ": Anthropic needs a key; set apiKeyEnv (e.g. ANTHROPIC_API_KEY) or apiKeyFile";
        }
        if (baseUrl != null && !baseUrl.matches("https?://.+")) {
            return at + ".baseUrl '" + baseUrl + "' is not an http:// or https:// URL";
        }
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            return at + ".temperature " + temperature + " is outside 0..2";
        }
        if (maxOutputTokens != null && (maxOutputTokens < 1
                || maxOutputTokens > io.braid.worker.internal.flow.Tokens.MAX_OUTPUT_TOKENS)) {
            return at + ".maxOutputTokens " + maxOutputTokens + " is outside 1.."
                    + io.braid.worker.internal.flow.Tokens.MAX_OUTPUT_TOKENS;
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            return at + ".timeout must be positive";
        }
        if (maxResponseBytes != null && (maxResponseBytes < MIN_MAX_RESPONSE_BYTES
                || maxResponseBytes > MAX_MAX_RESPONSE_BYTES)) {
            return at + ".maxResponseBytes " + maxResponseBytes + " is outside " + MIN_MAX_RESPONSE_BYTES + ".."
                    + MAX_MAX_RESPONSE_BYTES;
        }
        if (provider == ModelProvider.SIMULATED) {
            Duration min = minLatency == null ? Duration.ofMillis(200) : minLatency;
            Duration max = maxLatency == null ? Duration.ofMillis(600) : maxLatency;
            if (min.isNegative() || max.compareTo(min) < 0) {
                return at + ": simulated latency must satisfy 0 <= minLatency <= maxLatency";
            }
        } else if (slowCallShare != null || slowCallFactor != null) {
            return at + ": slowCallShare and slowCallFactor are for simulated models only";
        }
        if (Boolean.TRUE.equals(stream) && provider == ModelProvider.SIMULATED) {
            return at + ".stream: streaming is for providers openai, ollama and anthropic (the simulated model "
                    + "streams calls of 1 s or more by itself); remove it";
        }
        if (slowCallShare != null && !(slowCallShare >= 0 && slowCallShare <= 1)) {
            return at + ".slowCallShare " + slowCallShare + " is outside 0..1";
        }
        if (slowCallFactor != null && !(slowCallFactor >= 1 && slowCallFactor <= 1000)) {
            return at + ".slowCallFactor " + slowCallFactor + " is outside 1..1000";
        }
        return null;
    }

    /** Never prints a key (it has none to print) and names where the key comes from. */
    @Override
    public String toString() {
        return provider + (modelName == null ? "" : " " + modelName)
                + (baseUrl == null ? "" : " at " + io.braid.schema.registry.RegistryUrl.redacted(baseUrl))
                + (apiKeyEnv == null ? "" : ", key from $" + apiKeyEnv)
                + (apiKeyFile == null ? "" : ", key from " + apiKeyFile);
    }
}
