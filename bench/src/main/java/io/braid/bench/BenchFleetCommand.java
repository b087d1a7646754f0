package io.braid.bench;

import io.braid.bench.internal.BenchFiles;
import io.braid.bench.internal.FleetBenchmark;
import io.braid.bench.internal.FleetReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code braid bench fleet}: in-flight capacity, scaling and end-to-end throughput of the worker fleet. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Benchmarks the worker fleet on the embedded broker with simulated branches: (a) branches in "
                + "flight and RSS of one worker process, (b) throughput of 1, 2 and 4 workers and the ratio per "
                + "doubling, (c) zero-latency branches/s through the whole fleet in one JVM. Prints medians over "
                + "the runs and writes them to a file."})
public final class BenchFleetCommand implements Callable<Integer> {

    @Option(names = "--runs", defaultValue = "3", description = "Repetitions; figures are medians (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--in-flight-limit", defaultValue = "1200",
            description = "(a) the worker's max in flight (default: ${DEFAULT-VALUE})")
    int inFlightLimit;

    @Option(names = "--in-flight-tasks", defaultValue = "4000",
            description = "(a) 1-second branches fed to it (default: ${DEFAULT-VALUE})")
    int inFlightTasks;

    @Option(names = "--scaling-tasks-per-worker", defaultValue = "1500",
            description = "(b) 200 ms branches per worker (default: ${DEFAULT-VALUE})")
    int scalingTasksPerWorker;

    @Option(names = "--jobs", defaultValue = "2000", description = "(c) jobs submitted (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--branches-per-job", defaultValue = "10",
            description = "(c) branches per job (default: ${DEFAULT-VALUE})")
    int branchesPerJob;

    @Option(names = "--output-dir", defaultValue = "bench-results",
            description = "Where the figures (JSON and text) and worker logs go (default: ${DEFAULT-VALUE})")
    Path outputDir;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || inFlightLimit < 1 || inFlightTasks < 1 || scalingTasksPerWorker < 1 || jobs < 1
                || branchesPerJob < 1) {
            throw new IllegalArgumentException("every count must be 1 or more");
        }
        FleetBenchmark.Settings settings = new FleetBenchmark.Settings(runs, inFlightLimit, inFlightTasks,
                scalingTasksPerWorker, jobs, branchesPerJob);
        System.out.printf("braid bench fleet: %d run(s) on %d cores, simulated branches, embedded broker%n", runs,
                Runtime.getRuntime().availableProcessors());
        FleetBenchmark.Figures figures = new FleetBenchmark(settings, System.out, outputDir.resolve("logs")).run();
        FleetReport report = FleetReport.of(figures);
        String text = report.text();
        BenchFiles.report(System.out, outputDir, "fleet", report, text);
        return 0;
    }
}
