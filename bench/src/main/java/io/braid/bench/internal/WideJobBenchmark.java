package io.braid.bench.internal;

import io.braid.cli.stack.LocalFleet;
import io.braid.cli.view.Listing;
import io.braid.cli.view.ResultPrinter;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.worker.WorkerConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * {@code braid bench}'s wide-job scenario: one job of 1,000 and one of 10,000 branches on the simulated model
 * (200–600 ms, as {@code braid run} has it) through a fleet like {@code braid run}'s embedded one — 3 workers of
 * 256 branches in flight — each timed from submission to its result read by a waiting client. It reports the wall
 * time against the time the branches ran (first start to last end) and where the difference goes: to the first
 * branch (dispatch and delivery), from the last branch to the job's completion (the join), to the client (the
 * commit and the read); and what the result costs to print, summarised and with every branch.
 */
final class WideJobBenchmark {

    static final List<Integer> WIDTHS = List.of(1_000, 10_000);
    private static final int WORKERS = 3;
    private static final String MODEL = "simulated";
    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(3);

    /** One timed job: its wall time and stages, its result's size, and what printing it took. */
    private record Run(JobTimer.Timed timed, long resultBytes, Printed summary, Printed all) {
        double spanMillis() {
            return timed.stages()[1];
        }
    }

    private record Printed(double millis, int lines, int bytes) {
    }

    private final PrintStream out;
    private final AtomicLong jobIds = new AtomicLong();

    WideJobBenchmark(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the scenario on a fleet of its own.
     *
     * @param warmUp         serves a round of jobs unmeasured until the JIT compiler is quiet (the suite's warm-up)
     * @param orchestrator   the suite's orchestrator settings
     */
    List<Measurement> run(int warmups, int runs, BiConsumer<String, Runnable> warmUp,
                          UnaryOperator<OrchestratorOptions.Builder> orchestrator) {
        out.printf("%n[wide-job fleet: embedded broker, orchestrator, %d workers of 256 in flight, %s model "
                + "200–600 ms]%n", WORKERS, MODEL);
        Map<Integer, List<Run>> measured = new TreeMap<>();
        try (LocalFleet fleet = LocalFleet.start(WORKERS, w -> w.config(models()).maxInFlight(256).recordsPerPoll(16),
                o -> orchestrator.apply(o).maxBranches(WIDTHS.get(WIDTHS.size() - 1)));
             JobTimer timer = new JobTimer(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            fleet.awaitReady(Duration.ofSeconds(60));
            fleet.warmUp(Duration.ofSeconds(60));
            warmUp.accept("wide-job fleet", () -> timed(timer, WIDTHS.get(0)));
            for (int run = 1 - warmups; run <= runs; run++) {
                for (int width : WIDTHS) {
                    Run timed = timed(timer, width);
                    print(width, run, timed);
                    if (run >= 1) {
                        measured.computeIfAbsent(width, w -> new ArrayList<>()).add(timed);
                    }
                }
            }
        }
        List<Measurement> measurements = new ArrayList<>();
        measured.forEach((width, perRun) -> measurements.addAll(measurements(width, perRun)));
        return measurements;
    }

    private static WorkerConfig models() {
        return WorkerConfig.simulated(MODEL, Duration.ofMillis(200), Duration.ofMillis(600));
    }

    private Run timed(JobTimer timer, int width) {
        JobTimer.Timed timed = timer.run(job(width), RESULT_TIMEOUT);
        JobResult result = timed.result();
        if (result.getStatus() != JobStatus.SUCCEEDED) {
            throw new IllegalStateException("the " + width + "-branch job " + result.getJobId() + " ended "
                    + result.getStatus() + " (" + result.getCompletedBy() + ")");
        }
        return new Run(timed, avroBytes(result), printed(result, Listing.defaults()),
                printed(result, new Listing(Listing.DEFAULT_LIMIT, true)));
    }

    private static long avroBytes(JobResult result) {
        try {
            return result.toByteBuffer().remaining();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the result of " + result.getJobId(), e);
        }
    }

    private JobRequest job(int width) {
        String jobId = "bench-wide-" + width + "-" + jobIds.incrementAndGet();
        return JobRequest.newBuilder().setJobId(jobId).setSubmittedAt(Instant.now())
                .setBranches(IntStream.rangeClosed(1, width).mapToObj(i -> BranchSpec.newBuilder()
                        .setBranchId("b" + i).setKind(BranchKind.LLM)
                        .setLlm(LlmCall.newBuilder().setUserPrompt("item " + i).build()).build())
                        .toList())
                .build();
    }

    /** What printing the result takes into memory: its formatting, not a terminal's drawing. */
    private static Printed printed(JobResult result, Listing listing) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long start = System.nanoTime();
        new ResultPrinter(new PrintStream(buffer, false, StandardCharsets.UTF_8), listing).print(result);
        double millis = (System.nanoTime() - start) / 1e6;
        String text = buffer.toString(StandardCharsets.UTF_8);
        return new Printed(millis, (int) text.lines().count(), buffer.size());
    }

    private void print(int width, int run, Run timed) {
        double[] stages = timed.timed().stages();
        out.printf(Locale.ROOT, "  wide-job %,6d run %2d%s: wall %.0f ms, branches ran within %.0f ms; to first "
                        + "branch %.0f ms, last branch to completed %.0f ms, completed to read %.0f ms; result "
                        + "%,d KB; printed summarised %d lines in %.1f ms, every branch %,d lines in %.1f ms%n",
                width, run, run < 1 ? " (warm-up)" : "", timed.timed().wallMillis(), stages[1], stages[0], stages[2],
                toRead(timed), timed.resultBytes() / 1024, timed.summary().lines(), timed.summary().millis(),
                timed.all().lines(), timed.all().millis());
    }

    /** From the job's completion to the client reading its result (one JVM, one clock). */
    private static double toRead(Run run) {
        return run.timed().arrivedAtMillis() - run.timed().result().getCompletedAt().toEpochMilli();
    }

    private static List<Measurement> measurements(int width, List<Run> runs) {
        String name = String.format(Locale.ROOT, "%,d branches", width);
        List<Double> walls = runs.stream().map(r -> r.timed().wallMillis()).toList();
        List<Double> spans = runs.stream().map(Run::spanMillis).toList();
        List<Double> overheads = runs.stream().map(r -> r.timed().wallMillis() - r.spanMillis()).toList();
        String stages = String.format(Locale.ROOT, "median: to first branch %.0f ms, last branch to completed "
                        + "%.0f ms, completed to read %.0f ms",
                Stats.median(runs.stream().map(r -> r.timed().stages()[0]).toList()),
                Stats.median(runs.stream().map(r -> r.timed().stages()[2]).toList()),
                Stats.median(runs.stream().map(WideJobBenchmark::toRead).toList()));
        Run last = runs.get(runs.size() - 1);
        return List.of(
                new Measurement("wide-job", name + ": wall time", "ms", walls, null, true,
                        "submitted to result read; " + WORKERS + " workers × 256 in flight, 200–600 ms branches"),
                new Measurement("wide-job", name + ": branches ran within", "ms", spans, null, true,
                        "first start to last end"),
                new Measurement("wide-job", name + ": wall − branches", "ms", overheads, null, true, stages),
                new Measurement("wide-job", name + ": printing summarised", "ms",
                        runs.stream().map(r -> r.summary().millis()).toList(), null, true, String.format(Locale.ROOT,
                                "%d lines; every branch: %,d lines, %,d KB, %.0f ms; the result %,d KB of Avro",
                                last.summary().lines(), last.all().lines(), last.all().bytes() / 1024,
                                Stats.median(runs.stream().map(r -> r.all().millis()).toList()),
                                last.resultBytes() / 1024)));
    }
}
