package io.braid.worker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.PriceSpec;
import io.braid.worker.internal.config.RateLimitSpec;
import io.braid.schema.policy.PolicySettings;
import io.braid.worker.internal.config.ToolSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A worker's models and tools, from a YAML file ({@code braid worker --config braid-worker.yaml}):
 *
 * <pre>
 * defaultModel: fast
 * models:
 *   fast:  { provider: openai, modelName: gpt-4o-mini, apiKeyEnv: OPENAI_API_KEY }
 *   local: { provider: ollama, baseUrl: http://localhost:11434, modelName: llama3.2 }
 *   judge: { provider: anthropic, modelName: claude-sonnet-4-5, apiKeyFile: /run/secrets/anthropic }
 *   sim:   { provider: simulated, minLatency: 200ms, maxLatency: 600ms }
 * tools:
 *   http_get: { allow: [wiki.internal, 10.1.0.0/16], timeout: 10s, maxBytes: 1048576 }
 *   search_documents: { folder: ./docs }
 *   calculator: { maxDigits: 1000, maxExponent: 999 }
 *   agent: { maxSteps: 20, maxToolCalls: 50 }
 * policy:
 *   default: deny
 *   tenants: { teamA: { tools: [calculator, json_extract], models: [fast] } }
 * rateLimits:
 *   fast: { requestsPerMinute: 500, tokensPerMinute: 200000 }
 * prices:
 *   fast: { inputPerMillion: 0.15, outputPerMillion: 0.60 }
 * </pre>
 *
 * Keys come from environment variables or files only. A branch names a model or gets {@code defaultModel}.
 *
 * @param defaultModel the model of branches that name none
 * @param models       named models
 * @param tools        settings of the built-in tools
 * @param policy       which tools and models a job may use ({@link PolicySettings}); null = all of them
 * @param rateLimits   the whole fleet's limit per model (requests and tokens per minute); each worker takes its
 *                     share by the share group's members ({@link RateLimitSpec}); absent = no limit
 * @param prices       the price of each model's tokens ({@link PriceSpec}): branch results carry their cost; a
 *                     model without a price has no cost
 */
public record WorkerConfig(String defaultModel, Map<String, ModelSpec> models, ToolSettings tools,
                           PolicySettings policy, Map<String, RateLimitSpec> rateLimits,
                           Map<String, PriceSpec> prices) {

    /** The name of the one model of the embedded default. */
    public static final String SIMULATED_MODEL = "simulated";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()));

    @com.fasterxml.jackson.annotation.JsonCreator
    public WorkerConfig {
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        tools = tools == null ? ToolSettings.defaults() : tools;
        policy = policy == null ? PolicySettings.allowAll() : policy;
        rateLimits = rateLimits == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rateLimits));
        prices = prices == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(prices));
    }

    /** Without rate limits or prices. */
    public WorkerConfig(String defaultModel, Map<String, ModelSpec> models, ToolSettings tools,
                        PolicySettings policy) {
        this(defaultModel, models, tools, policy, null, null);
    }

    /** Without a policy: every job may use every tool and model. */
    public WorkerConfig(String defaultModel, Map<String, ModelSpec> models, ToolSettings tools) {
        this(defaultModel, models, tools, null);
    }

    /** This configuration with {@code policy}. */
    public WorkerConfig withPolicy(PolicySettings policy) {
        return new WorkerConfig(defaultModel, models, tools, policy, rateLimits, prices);
    }

    /** This configuration with {@code rateLimits} and {@code prices}. */
    public WorkerConfig withFlow(Map<String, RateLimitSpec> rateLimits, Map<String, PriceSpec> prices) {
        return new WorkerConfig(defaultModel, models, tools, policy, rateLimits, prices);
    }

    /** This configuration with model {@code name} set to {@code spec}. */
    public WorkerConfig withModel(String name, ModelSpec spec) {
        Map<String, ModelSpec> more = new LinkedHashMap<>(models);
        more.put(name, spec);
        return new WorkerConfig(defaultModel, more, tools, policy, rateLimits, prices);
    }

    /** The embedded default: one simulated model, built-in tools with their defaults. */
    public static WorkerConfig simulatedOnly(Duration minLatency, Duration maxLatency) {
        return simulated(SIMULATED_MODEL, minLatency, maxLatency);
    }

    /** One simulated model called {@code name}, answering in {@code minLatency} to {@code maxLatency}; built-in tools. */
    public static WorkerConfig simulated(String name, Duration minLatency, Duration maxLatency) {
        return new WorkerConfig(name, Map.of(name, ModelSpec.simulated(minLatency, maxLatency)), ToolSettings.defaults());
    }

    /** This configuration with one more simulated model, {@code name}, answering in {@code minLatency} to {@code maxLatency}. */
    public WorkerConfig withSimulatedModel(String name, Duration minLatency, Duration maxLatency) {
        return withModel(name, ModelSpec.simulated(minLatency, maxLatency));
    }

    /** Reads and checks a config file; relative paths in it are relative to the file. */
    public static WorkerConfig load(Path file) {
        WorkerConfig config = read(file, WorkerConfig.class, "worker config");
        if (config == null) {
            throw new IllegalArgumentException(file + " is empty; it needs at least 'models' and 'defaultModel'");
        }
        Path base = file.toAbsolutePath().getParent();
        config = new WorkerConfig(config.defaultModel, config.models, config.tools.resolvedAgainst(base),
                config.policy, config.rateLimits, config.prices);
        String problem = config.problem();
        if (problem != null) {
            throw new IllegalArgumentException(file + ": " + problem);
        }
        return config;
    }

    /**
     * Reads only the {@code policy} section of a file in this format: a worker config itself, or a file holding
     * just {@code policy:} (what the orchestrator's {@code --policy-file} takes). Other settings are not read; when
     * the file has {@code models}, the policy's model names are checked against them, else they are not checked.
     */
    public static PolicySettings loadPolicy(Path file) {
        PolicySection section = read(file, PolicySection.class, "policy file");
        if (section == null || section.policy() == null) {
            throw new IllegalArgumentException(file + " has no 'policy' section; give one as in the worker config "
                    + "(policy: { default: deny, tenants: { teamA: { tools: [calculator] } } })");
        }
        String problem = section.policy().problem(section.models() == null ? null : section.models().keySet());
        if (problem != null) {
            throw new IllegalArgumentException(file + ": " + problem);
        }
        return section.policy();
    }

    /** The part of a config file {@link #loadPolicy} reads. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    private record PolicySection(PolicySettings policy, Map<String, com.fasterxml.jackson.databind.JsonNode> models) {
    }

    private static <T> T read(Path file, Class<T> type, String what) {
        try {
            return YAML.readValue(Files.readString(file), type);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown setting '" + e.getPropertyName() + "'"
                    + at(e) + "; known settings there: " + e.getKnownPropertyIds().stream().map(String::valueOf)
                    .sorted().collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            if (e.getPath().isEmpty() && e.getTargetType() == type
                    && e.getOriginalMessage().contains("end-of-input")) {
                throw new IllegalArgumentException(file + " is empty; it needs at least '"
                        + (type == WorkerConfig.class ? "models" : "policy") + "'");
            }
            throw new IllegalArgumentException(file + at(e) + ": expected " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonProcessingException syntax) {
                throw new IllegalArgumentException(file + " is not valid YAML: " + syntax.getOriginalMessage());
            }
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException(file + at(e) + ": " + message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /** What is wrong with this configuration, or null. */
    public String problem() {
        if (models.isEmpty()) {
            return "no models configured; add at least one under 'models'";
        }
        for (Map.Entry<String, ModelSpec> model : models.entrySet()) {
            if (model.getValue() == null) {
                return "models." + model.getKey() + " has no settings";
            }
            String problem = model.getValue().problem(model.getKey());
            if (problem != null) {
                return problem;
            }
        }
        if (defaultModel == null && models.size() > 1) {
            return "'defaultModel' is missing; name one of " + models.keySet();
        }
        if (defaultModel != null && !models.containsKey(defaultModel)) {
            return "defaultModel '" + defaultModel + "' is not among the models " + models.keySet();
        }
        String toolProblem = tools.problem();
        if (toolProblem != null) {
            return toolProblem;
        }
        String policyProblem = policy.problem(models.keySet());
        if (policyProblem != null) {
            return policyProblem;
        }
        if (tools.searchDocuments().folder() != null && !Files.isDirectory(tools.searchDocuments().folder())) {
            return "tools.search_documents.folder " + tools.searchDocuments().folder() + " is not a folder";
        }
        return flowProblem();
    }

    /** What is wrong with {@code rateLimits} and {@code prices}, or null. */
    private String flowProblem() {
        String problem = perModelProblem("rateLimits", rateLimits, RateLimitSpec::problem);
        return problem != null ? problem : perModelProblem("prices", prices, PriceSpec::problem);
    }

    /** The first problem of a section keyed by model name: an entry without settings, an unknown model, a value. */
    private <T> String perModelProblem(String section, Map<String, T> entries,
                                       java.util.function.BiFunction<T, String, String> check) {
        for (Map.Entry<String, T> entry : entries.entrySet()) {
            String at = section + "." + entry.getKey();
            String problem = entry.getValue() == null ? at + " has no settings"
                    : !models.containsKey(entry.getKey()) ? at + " names a model that is not among the models "
                    + models.keySet() : check.apply(entry.getValue(), entry.getKey());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** The default model's name: {@link #defaultModel()}, or the only model. */
    public String defaultModelName() {
        return defaultModel != null ? defaultModel : models.keySet().iterator().next();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a mapping of names to settings (name: { ... })";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a list ([a, b] or one '- item' per line)";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (type == String.class || type == Duration.class || type == Path.class) {
            return "a single value" + (type == Duration.class ? " such as 30s" : "");
        }
        return "a mapping of settings (setting: value)";
    }

    private static String at(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "" : " at " + path;
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.currentToken().isScalarValue()) {
                return (Duration) context.handleUnexpectedToken(Duration.class, parser);
            }
            return Durations.parse(parser.getValueAsString());
        }
    }
}
