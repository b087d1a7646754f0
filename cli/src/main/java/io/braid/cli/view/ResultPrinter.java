package io.braid.cli.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchOutcome;
import io.braid.schema.JobResult;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Prints a job result for people: each branch's status, worker, start and end relative to submission and a
 * timeline bar (so overlapping branches are visible), the wall time next to the sum of branch times, and the
 * output. A job wider than its {@link Listing} allows is summarised instead ({@link WideJobSummary}).
 */
public final class ResultPrinter {

    private static final int BAR_WIDTH = 30;
    /** Outputs of a summarised COLLECT job shown before "… more". */
    private static final int SUMMARY_OUTPUTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Listing listing;

    public ResultPrinter(PrintStream out) {
        this(out, Listing.defaults());
    }

    public ResultPrinter(PrintStream out, Listing listing) {
        this.out = out;
        this.listing = listing;
    }

    public void print(JobResult result) {
        print(result, result.getRound());
    }

    /**
     * Prints {@code result}, saying which other rounds the job has when {@code latestRound} (the job's highest
     * round known) or the result's own round shows there are some.
     */
    public void print(JobResult result, int latestRound) {
        out.printf("%nJob %s: %s (completed by %s, round %d)%n", result.getJobId(), result.getStatus(),
                result.getCompletedBy(), result.getRound());
        String rounds = roundsNote(result.getJobId(), result.getRound(), latestRound);
        if (!rounds.isEmpty()) {
            out.println("  " + rounds);
        }
        boolean summarised = listing.summarises(result.getBranches().size());
        if (summarised) {
            new WideJobSummary(out).print(result);
        } else {
            printTable(result);
        }
        printTimes(result);
        printUsage(result);
        if (summarised) {
            WideJobSummary.printModels(out, result);
        } else {
            printModelsAndTools(result);
        }
        printOutput(result, summarised);
        if (result.getAggregationError() != null) {
            out.printf("  %s did not produce the output: %s: %s%n", result.getAggregation(),
                    result.getAggregationError().getErrorClass(), result.getAggregationError().getMessage());
        }
        if (!summarised) {
            result.getBranches().stream().filter(b -> b.getError() != null).forEach(b -> out.printf(
                    "  %s failed: %s: %s%n", b.getBranchId(), b.getError().getErrorClass(), b.getError().getMessage()));
        }
        out.flush();
    }

    /**
     * What a reader of round {@code printed} should know about the job's other rounds: that it is not the latest,
     * or that earlier ones exist (every round before the latest has a result: a replay opens the next round only
     * once the last one completed).
     */
    public static String roundsNote(String jobId, int printed, int latestRound) {
        if (latestRound > printed) {
            return String.format("Round %d is not the job's latest: round %d is (braid result %s).", printed,
                    latestRound, jobId);
        }
        if (printed > 1) {
            return String.format("The latest of %d rounds; earlier round%s %s (braid result %s --round N).",
                    printed, printed > 2 ? "s" : "", printed > 2 ? "1–" + (printed - 1) : "1", jobId);
        }
        return "";
    }

    private void printTable(JobResult result) {
        Instant origin = result.getSubmittedAt();
        long wallMillis = wallMillis(result);
        int idWidth = Math.max(14, result.getBranches().stream().mapToInt(b -> b.getBranchId().length()).max()
                .orElse(0));
        String idColumn = "  %-" + idWidth + "s";
        out.printf(idColumn + " %-10s %-16s %9s %9s %8s  %s%n", "branch", "status", "worker", "start", "end", "took",
                "timeline (0 → " + wallMillis + " ms)");
        for (BranchOutcome branch : result.getBranches()) {
            if (branch.getStartedAt() == null || branch.getFinishedAt() == null) {
                out.printf(idColumn + " %-10s%n", branch.getBranchId(), branch.getStatus());
                continue;
            }
            long start = Duration.between(origin, branch.getStartedAt()).toMillis();
            long end = Duration.between(origin, branch.getFinishedAt()).toMillis();
            out.printf(idColumn + " %-10s %-16s %7d ms %7d ms %5d ms  |%s|%n", branch.getBranchId(), branch.getStatus(),
                    fit(branch.getWorkerId(), 16), start, end, end - start, bar(start, end, wallMillis));
        }
    }

    /** "  Usage: 1,234 tokens (1,000 in, 234 out), cost 0.0420, 3 hedged calls" when the branches reported any. */
    private void printUsage(JobResult result) {
        if (result.getUsage() == null) {
            return;
        }
        long in = result.getUsage().getInputTokens();
        long outTokens = result.getUsage().getOutputTokens();
        int hedged = result.getBranches().stream().mapToInt(BranchOutcome::getHedgedCalls).sum();
        out.printf("  Usage: %,d tokens (%,d in, %,d out)%s%s%n", in + outTokens, in, outTokens,
                result.getUsage().getCost() == null ? "" : String.format(", cost %.4f", result.getUsage().getCost()),
                hedged == 0 ? "" : ", " + hedged + " hedged call" + (hedged == 1 ? "" : "s"));
    }

    /** The wall time, how long the branches took together and one after another, and a word on clock skew. */
    private void printTimes(JobResult result) {
        List<BranchOutcome> ran = ran(result);
        out.printf("%nJob wall time %d ms (submitted to joined).", wallMillis(result));
        if (ran.isEmpty()) {
            out.println();
            return;
        }
        long sumMillis = ran.stream().mapToLong(ResultPrinter::tookMillis).sum();
        Instant firstStart = ran.stream().map(BranchOutcome::getStartedAt).min(Instant::compareTo).orElseThrow();
        Instant lastEnd = ran.stream().map(BranchOutcome::getFinishedAt).max(Instant::compareTo).orElseThrow();
        long spanMillis = Math.max(1, Duration.between(firstStart, lastEnd).toMillis());
        out.printf(" Branches ran within %d ms (first start to last end); one after another they would take "
                + "%d ms%s%n", spanMillis, sumMillis, sumMillis > spanMillis
                ? String.format(": they overlapped, %.1f× faster.", (double) sumMillis / spanMillis) : ".");
        long early = ran.stream().filter(b -> b.getStartedAt().isBefore(result.getSubmittedAt())).count();
        if (early > 0) {
            out.printf("  %d branch%s started before the job was submitted, by %d ms at most: the clocks of the "
                    + "client and the workers differ; the timeline starts them at 0.%n", early, early > 1 ? "es" : "",
                    Duration.between(firstStart, result.getSubmittedAt()).toMillis());
        }
    }

    /** Per model-backed branch: the model, tokens, time in the model, and an agent's tool calls. */
    private void printModelsAndTools(JobResult result) {
        for (BranchOutcome branch : result.getBranches()) {
            if (branch.getModel() == null && branch.getToolCalls().isEmpty()) {
                continue;
            }
            StringBuilder line = new StringBuilder("  ").append(branch.getBranchId()).append(": model ")
                    .append(branch.getModel());
            if (branch.getProviderModel() != null && !branch.getProviderModel().equals(branch.getModel())) {
                line.append(" (").append(branch.getProviderModel()).append(')');
            }
            if (branch.getUsage() != null) {
                line.append(", ").append(branch.getUsage().getInputTokens()).append(" tokens in / ")
                        .append(branch.getUsage().getOutputTokens()).append(" out");
            }
            if (branch.getLatencyMs() != null) {
                line.append(", ").append(branch.getLatencyMs()).append(" ms in the model");
            }
            if (!branch.getToolCalls().isEmpty()) {
                line.append(", tool calls: ").append(String.join(", ", branch.getToolCalls().stream()
                        .map(call -> call.getName() + abbreviate(call.getArgumentsJson(), 40)
                                + (call.getError() == null ? " ✓" : " ✗ " + abbreviate(call.getError(), 60)))
                        .toList()));
            }
            out.println(line);
        }
    }

    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** The output; a summarised COLLECT job's first few entries only. */
    private void printOutput(JobResult result, boolean summarised) {
        if (result.getOutput() == null) {
            out.println("No output.");
            return;
        }
        out.println("Output:");
        if (result.getAggregation() == AggregationStrategy.COLLECT) {
            try {
                JsonNode outputs = JSON.readTree(result.getOutput());
                int shown = 0;
                for (Iterator<Map.Entry<String, JsonNode>> it = outputs.fields(); it.hasNext(); shown++) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    if (summarised && shown == SUMMARY_OUTPUTS) {
                        out.printf("  … and %d more outputs (--all lists them, --json prints the result)%n",
                                outputs.size() - shown);
                        return;
                    }
                    out.printf("  %s: %s%n", entry.getKey(), entry.getValue().asText());
                }
                return;
            } catch (IOException e) {
                // fall through and print the raw text
            }
        }
        out.println("  " + result.getOutput());
    }

    static List<BranchOutcome> ran(JobResult result) {
        return result.getBranches().stream().filter(b -> b.getStartedAt() != null && b.getFinishedAt() != null)
                .toList();
    }

    static long wallMillis(JobResult result) {
        return Math.max(1, Duration.between(result.getSubmittedAt(), result.getCompletedAt()).toMillis());
    }

    static long tookMillis(BranchOutcome branch) {
        return Duration.between(branch.getStartedAt(), branch.getFinishedAt()).toMillis();
    }

    static String bar(long start, long end, long total) {
        return Timeline.bar(start, end, total, BAR_WIDTH);
    }

    /** {@code text} cut to {@code width} characters, keeping its end (a child job's id ends in its branch). */
    static String fit(String text, int width) {
        if (text == null || text.length() <= width) {
            return text;
        }
        return "…" + text.substring(text.length() - width + 1);
    }
}
