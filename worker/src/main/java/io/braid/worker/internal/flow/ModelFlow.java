package io.braid.worker.internal.flow;

import dev.langchain4j.model.chat.ChatModel;
import io.braid.schema.TokenUsage;
import io.braid.worker.WorkerConfig;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.PriceSpec;
import io.braid.worker.internal.config.RateLimitSpec;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.models.ModelRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flow control of a worker's model calls: the rate limiter of each model with a {@code rateLimits} entry, the price
 * table, and each model's observed latencies. {@link #wrap} puts every model of a registry behind a
 * {@link FlowChatModel}, so every call — LLM branches, agents' steps, the final aggregation task, hedged calls —
 * is limited, measured and billed. {@link #share(double)} sets this worker's share of every fleet-wide limit (see
 * {@link MemberShare}).
 */
public final class ModelFlow {

    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final Map<String, LatencyReservoir> latencies = new ConcurrentHashMap<>();
    private final Map<String, OutputEstimate> outputs = new ConcurrentHashMap<>();
    private final Map<String, Calls> calls = new ConcurrentHashMap<>();
    private final Map<String, PriceSpec> prices;
    private final Map<String, ModelSpec> specs;
    private final Clock clock;
    private final BranchRunner.Sleeper sleeper;
    private final FlowListener listener;

    public ModelFlow(WorkerConfig config, Clock clock, BranchRunner.Sleeper sleeper, FlowListener listener) {
        this.prices = config.prices();
        this.specs = config.models();
        this.clock = clock;
        this.sleeper = sleeper;
        this.listener = listener;
        for (Map.Entry<String, RateLimitSpec> limit : config.rateLimits().entrySet()) {
            RateLimiter limiter = new RateLimiter(limit.getKey(), limit.getValue(), clock);
            limiters.put(limit.getKey(), limiter);
            listener.limited(limit.getKey(), limiter);
        }
    }

    /** Without limits or prices: calls are measured only. */
    public static ModelFlow unlimited() {
        return new ModelFlow(WorkerConfig.simulatedOnly(Duration.ZERO, Duration.ZERO), Clock.systemUTC(),
                duration -> Thread.sleep(duration), FlowListener.NONE);
    }

    /** {@code models} with each model behind flow control. */
    public ModelRegistry wrap(ModelRegistry models) {
        return models.map((name, model) -> model instanceof FlowChatModel ? model
                : new FlowChatModel(name, model, this));
    }

    /** Sets this worker's share (0 exclusive to 1) of every fleet-wide limit. */
    public void share(double share) {
        limiters.values().forEach(limiter -> limiter.share(share));
    }

    /** True when some model has a rate limit (only then does the worker read the share group's members). */
    public boolean limitsAny() {
        return !limiters.isEmpty();
    }

    /**
     * The longest {@linkplain RateLimiter#backlog() backlog} of any rate-limited model: how long until every call now
     * waiting for its turn has had it. Zero without limits.
     */
    public Duration backlog() {
        Duration longest = Duration.ZERO;
        for (RateLimiter limiter : limiters.values()) {
            Duration backlog = limiter.backlog();
            longest = backlog.compareTo(longest) > 0 ? backlog : longest;
        }
        return longest;
    }

    /** The 95th percentile latency of {@code model}'s calls on this worker; empty before enough calls. */
    public Optional<Duration> p95(String model) {
        return latencies(model).p95();
    }

    /** What {@code usage} of {@code model} costs; null when the model has no price. */
    public Double cost(String model, TokenUsage usage) {
        PriceSpec price = prices.get(model);
        return price == null ? null : price.cost(usage);
    }

    /** A model's calls running now and its 429 answers since start, counted by its {@link FlowChatModel}. */
    public record Calls(java.util.concurrent.atomic.AtomicInteger inFlight,
                        java.util.concurrent.atomic.AtomicLong rateLimited) {
    }

    /** One model's flow control now, for the worker's status. */
    public record ModelState(String model, RateLimiter.State limit, int inFlightCalls, long rateLimited) {
    }

    /**
     * Each model that has a rate limit or was called, by name, with its limiter's state (null without a limit): at
     * most {@code max} of them, those with a limit first.
     */
    public java.util.List<ModelState> states(int max) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(calls.keySet());
        names.removeAll(limiters.keySet());
        java.util.List<String> ordered = new java.util.ArrayList<>(new java.util.TreeSet<>(limiters.keySet()));
        ordered.addAll(names);
        return ordered.stream().limit(Math.max(0, max)).map(name -> {
            RateLimiter limiter = limiters.get(name);
            Calls counted = calls.get(name);
            return new ModelState(name, limiter == null ? null : limiter.state(),
                    counted == null ? 0 : Math.max(0, counted.inFlight().get()),
                    counted == null ? 0 : counted.rateLimited().get());
        }).toList();
    }

    Calls calls(String model) {
        return calls.computeIfAbsent(model, name -> new Calls(new java.util.concurrent.atomic.AtomicInteger(),
                new java.util.concurrent.atomic.AtomicLong()));
    }

    public FlowListener listener() {
        return listener;
    }

    RateLimiter limiter(String model) {
        return limiters.get(model);
    }

    LatencyReservoir latencies(String model) {
        return latencies.computeIfAbsent(model, name -> new LatencyReservoir());
    }

    /** The configured spec of {@code model}, or null (for the model call spans' provider and model name). */
    ModelSpec spec(String model) {
        return specs.get(model);
    }

    /** The output tokens to estimate for a call that sets no limit: the model's limit, else what its calls used. */
    Integer defaultOutput(String model) {
        ModelSpec spec = specs.get(model);
        return spec != null && spec.maxOutputTokens() != null ? spec.maxOutputTokens() : outputs(model).tokens();
    }

    /** A call of {@code model} produced {@code outputTokens}, as the provider reported. */
    void produced(String model, long outputTokens) {
        outputs(model).observe(outputTokens);
    }

    private OutputEstimate outputs(String model) {
        return outputs.computeIfAbsent(model, name -> new OutputEstimate());
    }

    Clock clock() {
        return clock;
    }

    BranchRunner.Sleeper sleeper() {
        return sleeper;
    }
}
