package io.braid.bench;

import io.braid.bench.internal.BenchFiles;
import io.braid.bench.internal.FlowSizes;
import io.braid.bench.internal.Measurement;
import io.braid.bench.internal.BenchPlot;
import io.braid.bench.internal.ScenarioBenchmark;
import io.braid.bench.internal.SuiteReport;
import io.braid.cli.commands.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code braid bench}: the scenario suite next to its baselines; subcommands for the detailed fleet benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs Braid's benchmark scenarios next to the baselines (in-process futures, a Celery chord) "
                + "on this machine: each scenario after warm-up, several runs, a table of medians and spreads, and "
                + "JSON + Markdown files in --output.",
                "Scenarios: fan-in, job-100, speedup, throughput, scale-out, cold-demo, wide-job, and the flow-control "
                        + "ones: rate-limit, fairness, hedging, in-flight, and cluster (1 and 3 broker processes, a "
                        + "leader killed under load) (all by default)."},
        subcommands = {BenchFleetCommand.class, BenchAggregatorCommand.class})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--scenario", paramLabel = "NAME", split = ",",
            description = "Run only these (repeatable): fan-in, job-100, speedup, throughput, scale-out, cold-demo, "
                    + "wide-job, rate-limit, fairness, hedging, in-flight, cluster")
    List<String> scenarios = List.of();

    @Option(names = "--runs", defaultValue = "5", description = "Measured runs per scenario (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmups", defaultValue = "2", description = "Unmeasured runs first (default: ${DEFAULT-VALUE})")
    int warmups;

    @Option(names = "--warm-up-time", converter = DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "30s",
            description = "How long each fleet serves jobs unmeasured before its scenarios at least, so the JIT "
                    + "compiler has compiled the hot paths (default: ${DEFAULT-VALUE}; 0s to measure a cold JVM)")
    Duration warmUpTime;

    @Option(names = "--max-warm-up-time", converter = DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "5m",
            description = "After --warm-up-time, a fleet keeps warming up until the JIT compiler is quiet (at most "
                    + "20 %% of each of the last two 15 s), up to this long in all (default: ${DEFAULT-VALUE})")
    Duration maxWarmUpTime;

    @Option(names = "--fan-in-jobs", defaultValue = "100",
            description = "Jobs per fan-in run, one at a time (default: ${DEFAULT-VALUE})")
    int fanInJobs;

    @Option(names = "--throughput-jobs", defaultValue = "20000",
            description = "10-branch jobs per throughput run (default: ${DEFAULT-VALUE}, about 15 s a run here; "
                    + "runs of 5000 spread 1.5× and more)")
    int throughputJobs;

    @Option(names = "--rate-limit-branches", defaultValue = "2000",
            description = "Branches of each rate-limit run, per mode (default: ${DEFAULT-VALUE})")
    int rateLimitBranches;

    @Option(names = "--fairness-branches", defaultValue = "10000",
            description = "Branches of the big job in the fairness scenario (default: ${DEFAULT-VALUE})")
    int fairnessBranches;

    @Option(names = "--hedging-jobs", defaultValue = "200",
            description = "One-branch jobs per mode of each hedging run (default: ${DEFAULT-VALUE})")
    int hedgingJobs;

    @Option(names = "--in-flight-branches", defaultValue = "10000",
            description = "The in-flight scenario's worker's --max-in-flight; it gets twice as many tasks "
                    + "(default: ${DEFAULT-VALUE})")
    int inFlightBranches;

    @Option(names = "--commit-interval", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "The aggregator's commit interval in the fleets of fan-in, job-100, speedup and throughput "
                    + "(default: the orchestrator's, 30ms), to measure the tuning")
    Duration commitInterval;

    @Option(names = "--poll-time", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long the aggregator's stream thread blocks in poll when idle, in the same fleets "
                    + "(default: the orchestrator's, 5ms), to measure the tuning")
    Duration pollTime;

    @Option(names = "--celery-script", defaultValue = "bench/celery/chord-baseline.sh",
            description = "The Celery chord baseline (installs Celery and Redis with apt-get when missing; "
                    + "default: ${DEFAULT-VALUE})")
    Path celeryScript;

    @Option(names = "--output", defaultValue = "bench-results", description = "Where the figures go (default: ${DEFAULT-VALUE})")
    Path output;

    @Override
    public Integer call() throws Exception {
        Set<String> chosen = new LinkedHashSet<>(scenarios);
        validate(chosen);
        FlowSizes flow = new FlowSizes(rateLimitBranches, fairnessBranches, hedgingJobs, inFlightBranches);
        String machine = machine();
        System.out.println("Braid benchmarks on " + machine + "; each fleet warmed up for "
                + SuiteReport.warmUpUntil(warmUpTime, maxWarmUpTime) + ", then " + runs + " runs after " + warmups + " warm-up run(s)"
                + (commitInterval == null ? "" : "; aggregator commit interval " + commitInterval.toMillis() + " ms")
                + (pollTime == null ? "" : "; aggregator poll time " + pollTime.toMillis() + " ms")
                + ".");
        Path logs = output.resolve("logs");
        Files.createDirectories(logs);
        ScenarioBenchmark benchmark = new ScenarioBenchmark(new ScenarioBenchmark.Settings(runs, warmups, warmUpTime,
                maxWarmUpTime,
                chosen, fanInJobs, throughputJobs, logs, celeryScript, commitInterval, pollTime, flow), System.out);
        List<Measurement> measurements = benchmark.run();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("machine", machine);
        figures.put("runs", runs);
        figures.put("warmups", warmups);
        figures.put("warmUpSeconds", warmUpTime.toSeconds());
        figures.put("maxWarmUpSeconds", maxWarmUpTime.toSeconds());
        if (commitInterval != null) {
            figures.put("commitIntervalMillis", commitInterval.toMillis());
        }
        if (pollTime != null) {
            figures.put("pollTimeMillis", pollTime.toMillis());
        }
        figures.put("flowSizes", flow);
        figures.put("measurements", measurements);
        BenchFiles.report(System.out, output, "suite", figures, SuiteReport.table(measurements, machine));
        Path markdown = output.resolve("suite-latest.md");
        Files.writeString(markdown, SuiteReport.markdown(measurements, machine, runs, warmups, warmUpTime,
                maxWarmUpTime));
        System.out.println("Markdown table: " + markdown + " (copy it into docs/BENCHMARKS.md)");
        Path plot = output.resolve("suite-latest.png");
        BenchPlot.write(benchmark.curves(), "Braid benchmarks — " + machine, plot);
        System.out.println("Plot of the scale-out and fan-in overhead curves: " + plot);
        return 0;
    }

    /** Refuses a mistake in the options before any fleet starts, saying what to choose instead. */
    private void validate(Set<String> chosen) {
        for (String name : chosen) {
            if (!ScenarioBenchmark.SCENARIOS.contains(name)) {
                throw new IllegalArgumentException("unknown scenario '" + name + "'; choose from "
                        + ScenarioBenchmark.SCENARIOS);
            }
        }
        if (runs < 1 || warmups < 0) {
            throw new IllegalArgumentException("--runs must be 1 or more and --warmups 0 or more");
        }
        if (warmUpTime.isNegative() || maxWarmUpTime.compareTo(warmUpTime) < 0) {
            throw new IllegalArgumentException("--max-warm-up-time (" + maxWarmUpTime.toSeconds() + " s) must not be "
                    + "shorter than --warm-up-time (" + warmUpTime.toSeconds() + " s); raise it, e.g. 5m");
        }
        if (commitInterval != null && !commitInterval.isPositive()) {
            throw new IllegalArgumentException("--commit-interval must be positive, e.g. 5ms");
        }
        if (pollTime != null && !pollTime.isPositive()) {
            throw new IllegalArgumentException("--poll-time must be positive, e.g. 1ms");
        }
    }

    /** Cores, memory, CPU model and JVM, for the report. */
    static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (java.io.IOException | RuntimeException ignored) {
            // not Linux: leave the model out
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
        return Runtime.getRuntime().availableProcessors() + " cores" + (cpu.isEmpty() ? "" : " (" + cpu + ")") + ", "
                + (memory >> 30) + " GiB, Java " + Runtime.version().feature() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
