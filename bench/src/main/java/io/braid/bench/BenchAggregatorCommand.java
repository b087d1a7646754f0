package io.braid.bench;

import io.braid.bench.internal.BenchFiles;
import io.braid.bench.internal.AggregatorBenchmark;
import io.braid.cli.commands.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code braid bench aggregator}: join throughput and the state finished jobs cost, before and after retention. */
@Command(name = "aggregator", mixinStandardHelpOptions = true,
        description = {"Benchmarks the aggregator alone on the embedded broker: joins --jobs jobs (manifests and "
                + "results written straight to its topics), then reports jobs/s, jobs held, heap and the "
                + "changelog's bytes on disk — once all are finished, and again after their retention passed. "
                + "Writes the figures to a file."})
public final class BenchAggregatorCommand implements Callable<Integer> {

    @Option(names = "--jobs", defaultValue = "100000", description = "Jobs to join (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--branches-per-job", defaultValue = "2", description = "Branches per job (default: ${DEFAULT-VALUE})")
    int branchesPerJob;

    @Option(names = "--retention", defaultValue = "30s", converter = DurationConverter.class,
            description = "Finished-job retention for the run (default: ${DEFAULT-VALUE})")
    Duration retention;

    @Option(names = "--output-dir", defaultValue = "bench-results",
            description = "Where the figures go (default: ${DEFAULT-VALUE})")
    Path outputDir;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1 || branchesPerJob < 1) {
            throw new IllegalArgumentException("--jobs and --branches-per-job must be 1 or more");
        }
        System.out.printf("braid bench aggregator: %,d jobs x %d branches, retention %d s, %d cores%n", jobs,
                branchesPerJob, retention.toSeconds(), Runtime.getRuntime().availableProcessors());
        AggregatorBenchmark.Figures figures = new AggregatorBenchmark(System.out).run(jobs, branchesPerJob, retention);
        String text = String.format("Aggregator benchmark: %,d jobs x %d branches, embedded broker in the same JVM%n"
                        + "join: %,.0f jobs/s%n"
                        + "all finished:    %,d jobs held, heap +%d MiB over baseline, changelog %,d bytes on disk%n"
                        + "after retention: %,d jobs held, heap +%d MiB over baseline, changelog %,d bytes on disk "
                        + "(tombstones written; the broker's log cleaner reclaims the bytes as segments roll)%n",
                figures.jobs(), figures.branchesPerJob(), figures.jobsPerSecond(), figures.heldAfterLoad(),
                figures.heapDeltaAfterLoadMiB(), figures.changelogBytesAfterLoad(), figures.heldAfterRetention(),
                figures.heapDeltaAfterRetentionMiB(), figures.changelogBytesAfterRetention());
        BenchFiles.report(System.out, outputDir, "aggregator", figures, text);
        return 0;
    }
}
