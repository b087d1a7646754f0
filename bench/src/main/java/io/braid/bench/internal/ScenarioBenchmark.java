package io.braid.bench.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code braid bench}: Braid's scenarios next to the baselines a user would pick instead, measured in the same run
 * on the same machine. Each fleet first serves jobs unmeasured for at least {@code warmUpTime} and until the JIT
 * compiler is quiet (it works for minutes on the broker, Kafka Streams, the clients and Braid in one JVM, see
 * {@link JitMeter}), at most {@code maxWarmUpTime}, then each
 * scenario runs {@code warmups} times unmeasured and {@code runs} times measured; a figure is the median over the
 * runs, with min–max as the spread, and ratios are taken within each run.
 * <ol>
 *   <li>{@code fan-in}: job wall time minus its slowest branch, 10 no-op branches, idle fleet, exactly-once
 *       (default) and low-latency mode, the latter also with workers that publish no progress events; p50 and p99
 *       over the jobs of a run.</li>
 *   <li>{@code job-100}: a 100-branch no-op job end to end, Braid vs in-process futures vs a Celery chord.</li>
 *   <li>{@code speedup}: 20 branches of 500 ms simulated latency; wall time and speedup over sequential.</li>
 *   <li>{@code throughput}: sustained no-op branches/s through the whole fleet in one JVM, with progress events
 *       and without: two fleets that take turns.</li>
 *   <li>{@code scale-out}: 1, 2 and 4 worker processes on I/O-bound (1 s) branches; sustained and whole-batch
 *   rates, the ratio per doubling of the sustained ones.</li>
 *   <li>{@code cold-demo}: {@code braid demo} in a fresh JVM, command to answer.</li>
 *   <li>{@code wide-job}: jobs of 1,000 and 10,000 branches, wall time against branch time
 *       ({@link WideJobBenchmark}).</li>
 *   <li>Flow control (issue 20, goals 7 – 10): {@code rate-limit} (4 worker processes against a fake rate-limited
 *       provider, with and without the workers' rate limits, {@link RateLimitScenario}), {@code fairness} (small
 *       jobs beside a 10,000-branch job, with a window and without, {@link FairnessScenario}), {@code hedging} (a
 *       heavy-tailed model, hedged and not, {@link HedgingScenario}) and {@code in-flight} (one worker process
 *       holding 10,000 branches, {@link InFlightScenario}).</li>
 *   <li>Cluster (issue 24): {@code cluster} (broker, orchestrator and workers each in processes of their own, on
 *       1 and 3 brokers, and goal P12: a partition leader killed under load, {@link ClusterScenario}).</li>
 * </ol>
 * Branches run on the simulated model: this measures Braid, not a provider.
 */
public final class ScenarioBenchmark {

    public static final List<String> SCENARIOS = List.of("fan-in", "job-100", "speedup", "throughput", "scale-out",
            "cold-demo", "wide-job", "rate-limit", "fairness", "hedging", "in-flight", "cluster");

    /**
     * How many times and how big; {@code commitInterval} and {@code pollTime} null: the orchestrator's defaults;
     * {@code flow}: the sizes of the flow-control scenarios.
     */
    public record Settings(int runs, int warmups, Duration warmUpTime, Duration maxWarmUpTime,
                           Set<String> scenarios, int fanInJobs, int throughputJobs, Path logDir, Path celeryScript,
                           Duration commitInterval, Duration pollTime, FlowSizes flow) {
    }

    private final Settings settings;
    private final PrintStream out;
    private final SuiteContext suite;

    public ScenarioBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.suite = new SuiteContext(settings, out);
    }

    /** Runs the chosen scenarios, each fleet's in turn; the measurements in the order they were taken. */
    public List<Measurement> run() {
        if (suite.wants("fan-in") || suite.wants("job-100") || suite.wants("speedup")) {
            guarded("exactly-once fleet", () -> new LatencyScenarios(suite).run(false, true));
        }
        if (suite.wants("fan-in")) {
            guarded("low-latency fleet", () -> new LatencyScenarios(suite).run(true, true));
            guarded("low-latency fleet without progress events", () -> new LatencyScenarios(suite).run(true, false));
        }
        if (suite.wants("throughput")) {
            guarded("throughput", () -> new ThroughputScenario(suite).run());
        }
        if (suite.wants("scale-out")) {
            guarded("scale-out", () -> new ScaleOutScenario(suite).run());
        }
        if (suite.wants("cold-demo")) {
            guarded("cold-demo", () -> new ColdDemoScenario(suite).run());
        }
        if (suite.wants("wide-job")) {
            guarded("wide-job", () -> suite.measurements().addAll(new WideJobBenchmark(out).run(settings.warmups(),
                    settings.runs(), suite::warmUp, suite::tuned)));
        }
        if (suite.wants("rate-limit")) {
            guarded("rate-limit", () -> new RateLimitScenario(suite).run());
        }
        if (suite.wants("fairness")) {
            guarded("fairness", () -> new FairnessScenario(suite).run());
        }
        if (suite.wants("hedging")) {
            guarded("hedging", () -> new HedgingScenario(suite).run());
        }
        if (suite.wants("in-flight")) {
            guarded("in-flight", () -> new InFlightScenario(suite).run());
        }
        if (suite.wants("cluster")) {
            guarded("cluster", () -> new ClusterScenario(suite).run());
        }
        return suite.measurements();
    }

    /** The curves of the scenarios this run measured, for {@link BenchPlot}. */
    public BenchPlot.Curves curves() {
        Map<Integer, Double> allowed = new TreeMap<>();
        suite.scaleOutRates().keySet().forEach(workers -> allowed.put(workers, ScaleOut.ideal(workers)));
        return new BenchPlot.Curves(suite.scaleOutRates(), allowed, suite.overheadSamples(),
                Map.of("exactly-once", LatencyScenarios.EXACTLY_ONCE_P50_GOAL,
                        "low-latency", LatencyScenarios.LOW_LATENCY_P50_GOAL));
    }

    private interface Scenario {
        void run() throws Exception;
    }

    /** Runs a scenario; one that fails is reported as failed, and the others still run. */
    private void guarded(String name, Scenario scenario) {
        try {
            scenario.run();
        } catch (Exception e) {
            out.printf("  %s FAILED: %s (see %s)%n", name, e, settings.logDir());
            suite.add(new Measurement(name, "failed", "", List.of(), null, true, String.valueOf(e)));
        }
    }
}
