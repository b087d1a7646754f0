package io.braid.bench.internal;

import io.braid.cli.stack.LocalFleet;
import io.braid.worker.WorkerOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code in-flight} scenario (issue 20, goal 10): one worker process holding {@link FlowSizes#inFlightBranches}
 * (10,000) I/O-bound branches of 1 s simulated latency at once. Twice as many task records as the limit go straight
 * on the tasks topic, so the worker stays full for two waves. Reported: the peak in flight (its health endpoint,
 * sampled every 100 ms), its peak RSS (VmHWM) and its CPU time; the goal is 1 GiB RSS. The worker is given only
 * {@code --max-in-flight}: it chooses its records per poll itself ({@link WorkerOptions#automaticRecordsPerPoll}).
 */
final class InFlightScenario extends SuiteScenario {

    static final double RSS_GOAL_MIB = 1024;
    static final Duration LATENCY = Duration.ofSeconds(1);
    /** The worker's heap cap: what a deployment sets; the RSS goal is for the whole process. */
    private static final String HEAP = "-Xmx640m";
    /**
     * The broker holds at most 2,000 acquired records per share partition (group.share.partition.max.record.locks'
     * default), so 10,000 in flight need at least 5 partitions; 20 leave room.
     */
    private static final int PARTITIONS = 20;

    private record Run(int peak, double medianWhileBusy, long peakRssBytes, double cpuSeconds, double seconds) {
    }

    InFlightScenario(SuiteContext suite) {
        super(suite);
    }

    void run() throws Exception {
        int limit = settings.flow().inFlightBranches();
        int recordsPerPoll = WorkerOptions.automaticRecordsPerPoll(limit);
        out.printf("%n[in-flight: one worker process, --max-in-flight %d (so %d records per poll, %d share consumers), "
                + "%d ms simulated branches, %s]%n", limit, recordsPerPoll, (limit + recordsPerPoll - 1)
                / recordsPerPoll, LATENCY.toMillis(), HEAP);
        List<Run> runs = new ArrayList<>();
        try (LocalFleet fleet = LocalFleet.start(0, w -> w)) {
            fleet.awaitReady(Duration.ofSeconds(60));
            for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
                Run measured = measure(fleet, run, limit);
                out.printf(Locale.ROOT, "  in-flight run %2d%s: peak %,d in flight (median %,.0f while busy), peak RSS "
                                + "%,d MiB, CPU %.1f s over %.1f s%n", run, run < 1 ? " (warm-up)" : "",
                        measured.peak(), measured.medianWhileBusy(), measured.peakRssBytes() >> 20,
                        measured.cpuSeconds(), measured.seconds());
                if (run >= 1) {
                    runs.add(measured);
                }
            }
        }
        String tasks = String.format(Locale.ROOT, "%,d tasks of %d ms", 2 * limit, LATENCY.toMillis());
        suite.add(new Measurement("in-flight", "peak branches in flight", "branches",
                runs.stream().map(r -> (double) r.peak()).toList(), (double) limit, false,
                "#10; one worker process, " + tasks + "; its health endpoint sampled every 100 ms"));
        suite.add(new Measurement("in-flight", "peak RSS of the worker", "MiB",
                runs.stream().map(r -> r.peakRssBytes() / (1024.0 * 1024)).toList(), RSS_GOAL_MIB, true,
                "#10; VmHWM of /proc/PID/status; " + HEAP));
        suite.add(new Measurement("in-flight", "worker CPU", "s",
                runs.stream().map(Run::cpuSeconds).toList(), null, true, String.format(Locale.ROOT,
                        "the worker process's CPU time for the %s (median run %.1f s)", tasks,
                        Stats.median(runs.stream().map(Run::seconds).toList()))));
    }

    private Run measure(LocalFleet fleet, int run, int limit) throws InterruptedException {
        String name = "in-flight-" + (run < 1 ? "w" + (1 - run) : run);
        List<String> args = List.of("--max-in-flight", Integer.toString(limit), "--simulated-latency",
                LATENCY.toMillis() + "ms.." + LATENCY.toMillis() + "ms");
        try (WorkerProcesses worker = WorkerProcesses.start(fleet, "bench-" + name + ".", PARTITIONS, 1,
                List.of(HEAP), args, Map.of(), settings.logDir(), name)) {
            worker.awaitReady(Duration.ofMinutes(1), settings.logDir());
            Process process = worker.processes().get(0);
            double cpuBefore = WorkerProcesses.cpuTime(process).map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
            List<Integer> samples = new ArrayList<>();
            long[] next = {0};
            long start = System.nanoTime();
            try (RecordCounter results = new RecordCounter(fleet.bootstrapServers(), worker.topics().results())) {
                FleetBenchmark.publishTasks(fleet, worker.topics(), 2 * limit, "in flight");
                results.awaitCount(2L * limit, Duration.ofMinutes(5), () -> {
                    if (System.nanoTime() >= next[0]) {
                        next[0] = System.nanoTime() + Duration.ofMillis(100).toNanos();
                        samples.add(worker.inFlight());
                    }
                });
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = WorkerProcesses.cpuTime(process).map(d -> d.toNanos() / 1e9).orElse(Double.NaN) - cpuBefore;
            long rss = WorkerProcesses.peakResidentBytes(process.pid()).orElse(-1L);
            int peak = samples.stream().mapToInt(Integer::intValue).max().orElse(0);
            return new Run(peak, Stats.median(samples.stream().filter(n -> n > 0).toList()), rss, cpu, seconds);
        }
    }
}
