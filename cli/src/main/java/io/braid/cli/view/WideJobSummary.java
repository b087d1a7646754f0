package io.braid.cli.view;

import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobResult;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A wide job's result in a dozen lines instead of a row per branch: counts by status, a histogram timeline of the
 * branches running and finishing, the slowest branches, the branches per worker, and the branches that did not
 * succeed (the first {@value #FAILURES_SHOWN}).
 */
final class WideJobSummary {

    private static final int COLUMNS = 50;
    private static final int SLOWEST_SHOWN = 5;
    static final int FAILURES_SHOWN = 10;

    private final PrintStream out;

    WideJobSummary(PrintStream out) {
        this.out = out;
    }

    void print(JobResult result) {
        List<BranchOutcome> branches = result.getBranches();
        out.printf("  %d branches: %s (a summary; --all lists every branch)%n", branches.size(), countsByStatus(
                branches));
        printHistogram(result);
        List<BranchOutcome> ran = ResultPrinter.ran(result);
        if (!ran.isEmpty()) {
            out.println("  slowest: " + ran.stream()
                    .sorted(Comparator.comparingLong(ResultPrinter::tookMillis).reversed()).limit(SLOWEST_SHOWN)
                    .map(b -> String.format("%s %d ms (%s)", b.getBranchId(), ResultPrinter.tookMillis(b),
                            b.getWorkerId()))
                    .collect(Collectors.joining(", ")));
            Map<String, Long> perWorker = new TreeMap<>(ran.stream().filter(b -> b.getWorkerId() != null)
                    .collect(Collectors.groupingBy(BranchOutcome::getWorkerId, Collectors.counting())));
            out.println("  branches per worker: " + perWorker.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        printNotSucceeded(branches);
    }

    /** "998 SUCCEEDED, 2 FAILED": each status the job's branches have, in the schema's order. */
    static String countsByStatus(List<BranchOutcome> branches) {
        Map<BranchStatus, Long> counts = new EnumMap<>(BranchStatus.class);
        branches.forEach(b -> counts.merge(b.getStatus(), 1L, Long::sum));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    private void printHistogram(JobResult result) {
        long total = ResultPrinter.wallMillis(result);
        Instant origin = result.getSubmittedAt();
        List<long[]> spans = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (BranchOutcome branch : ResultPrinter.ran(result)) {
            long start = Duration.between(origin, branch.getStartedAt()).toMillis();
            long end = Duration.between(origin, branch.getFinishedAt()).toMillis();
            spans.add(new long[] {start, end});
            ends.add(end);
        }
        if (spans.isEmpty()) {
            return;
        }
        int[] running = Timeline.running(spans, total, COLUMNS);
        int[] finished = Timeline.counts(ends, total, COLUMNS);
        String column = String.format(Locale.ROOT, "%.0f ms", (double) total / COLUMNS);
        out.printf("  timeline (0 → %d ms, %s a column):%n", total, column);
        out.printf("    running  |%s|  at most %d at once%n", Timeline.sparkline(running), Timeline.max(running));
        out.printf("    finished |%s|  at most %d in %s%n", Timeline.sparkline(finished), Timeline.max(finished),
                column);
    }

    private void printNotSucceeded(List<BranchOutcome> branches) {
        List<BranchOutcome> failed = branches.stream().filter(b -> b.getStatus() != BranchStatus.SUCCEEDED).toList();
        if (failed.isEmpty()) {
            return;
        }
        out.printf("  did not succeed (%d):%n", failed.size());
        failed.stream().limit(FAILURES_SHOWN).forEach(b -> out.printf("    %s %s%s%n", b.getBranchId(), b.getStatus(),
                b.getError() == null ? "" : ": " + b.getError().getErrorClass() + ": "
                        + ResultPrinter.abbreviate(b.getError().getMessage(), 100)));
        if (failed.size() > FAILURES_SHOWN) {
            out.printf("    … and %d more (--all lists them)%n", failed.size() - FAILURES_SHOWN);
        }
    }

    /** Per model: branches, tokens and the mean time in the model; and the agents' tool calls. */
    static void printModels(PrintStream out, JobResult result) {
        Map<String, List<BranchOutcome>> byModel = new LinkedHashMap<>();
        result.getBranches().stream().filter(b -> b.getModel() != null)
                .forEach(b -> byModel.computeIfAbsent(b.getModel(), m -> new ArrayList<>()).add(b));
        byModel.forEach((model, branches) -> {
            long in = branches.stream().filter(b -> b.getUsage() != null)
                    .mapToLong(b -> b.getUsage().getInputTokens()).sum();
            long outTokens = branches.stream().filter(b -> b.getUsage() != null)
                    .mapToLong(b -> b.getUsage().getOutputTokens()).sum();
            double meanLatency = branches.stream().filter(b -> b.getLatencyMs() != null)
                    .mapToLong(BranchOutcome::getLatencyMs).average().orElse(Double.NaN);
            out.printf(Locale.ROOT, "  model %s: %d branches, %,d tokens in / %,d out%s%n", model, branches.size(), in,
                    outTokens, Double.isNaN(meanLatency) ? "" : String.format(Locale.ROOT,
                            ", %.0f ms in the model on average", meanLatency));
        });
        long calls = result.getBranches().stream().mapToLong(b -> b.getToolCalls().size()).sum();
        if (calls > 0) {
            long failedCalls = result.getBranches().stream().flatMap(b -> b.getToolCalls().stream())
                    .filter(call -> call.getError() != null).count();
            out.printf("  agents' tool calls: %d, %d failed%n", calls, failedCalls);
        }
    }
}
