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
import java.util.Map;

/**
 * Prints a job result for people: each branch's status, worker, start and end relative to submission and a
 * timeline bar (so overlapping branches are visible), the wall time next to the sum of branch times, and the output.
 */
public final class ResultPrinter {

    private static final int BAR_WIDTH = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;

    public ResultPrinter(PrintStream out) {
        this.out = out;
    }

    public void print(JobResult result) {
        Instant origin = result.getSubmittedAt();
        long wallMillis = Math.max(1, Duration.between(origin, result.getCompletedAt()).toMillis());
        out.printf("%nJob %s: %s (completed by %s, round %d)%n", result.getJobId(), result.getStatus(),
                result.getCompletedBy(), result.getRound());
        int idWidth = Math.max(14, result.getBranches().stream().mapToInt(b -> b.getBranchId().length()).max()
                .orElse(0));
        String idColumn = "  %-" + idWidth + "s";
        out.printf(idColumn + " %-10s %-16s %9s %9s %8s  %s%n", "branch", "status", "worker", "start", "end", "took",
                "timeline (0 → " + wallMillis + " ms)");
        long sumMillis = 0;
        Instant firstStart = null;
        Instant lastEnd = null;
        for (BranchOutcome branch : result.getBranches()) {
            if (branch.getStartedAt() == null || branch.getFinishedAt() == null) {
                out.printf(idColumn + " %-10s%n", branch.getBranchId(), branch.getStatus());
                continue;
            }
            long start = Duration.between(origin, branch.getStartedAt()).toMillis();
            long end = Duration.between(origin, branch.getFinishedAt()).toMillis();
            sumMillis += end - start;
            firstStart = firstStart == null || branch.getStartedAt().isBefore(firstStart) ? branch.getStartedAt()
                    : firstStart;
            lastEnd = lastEnd == null || branch.getFinishedAt().isAfter(lastEnd) ? branch.getFinishedAt() : lastEnd;
            out.printf(idColumn + " %-10s %-16s %7d ms %7d ms %5d ms  |%s|%n", branch.getBranchId(), branch.getStatus(),
                    fit(branch.getWorkerId(), 16), start, end, end - start, bar(start, end, wallMillis));
        }
        out.printf("%nJob wall time %d ms (submitted to joined).", wallMillis);
        if (firstStart != null) {
            long spanMillis = Math.max(1, Duration.between(firstStart, lastEnd).toMillis());
            out.printf(" Branches ran within %d ms (first start to last end); one after another they would take "
                    + "%d ms%s%n", spanMillis, sumMillis, sumMillis > spanMillis
                    ? String.format(": they overlapped, %.1f× faster.", (double) sumMillis / spanMillis) : ".");
        } else {
            out.println();
        }
        printModelsAndTools(result);
        printOutput(result);
        if (result.getAggregationError() != null) {
            out.printf("  %s did not produce the output: %s: %s%n", result.getAggregation(),
                    result.getAggregationError().getErrorClass(), result.getAggregationError().getMessage());
        }
        result.getBranches().stream().filter(b -> b.getError() != null).forEach(b -> out.printf(
                "  %s failed: %s: %s%n", b.getBranchId(), b.getError().getErrorClass(), b.getError().getMessage()));
        out.flush();
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

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private void printOutput(JobResult result) {
        if (result.getOutput() == null) {
            out.println("No output.");
            return;
        }
        out.println("Output:");
        if (result.getAggregation() == AggregationStrategy.COLLECT) {
            try {
                JsonNode outputs = JSON.readTree(result.getOutput());
                for (Iterator<Map.Entry<String, JsonNode>> it = outputs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    out.printf("  %s: %s%n", entry.getKey(), entry.getValue().asText());
                }
                return;
            } catch (IOException e) {
                // fall through and print the raw text
            }
        }
        out.println("  " + result.getOutput());
    }

    static String bar(long start, long end, long total) {
        int from = (int) Math.min(BAR_WIDTH - 1, start * BAR_WIDTH / total);
        int to = (int) Math.max(from + 1, Math.min(BAR_WIDTH, Math.ceil((double) end * BAR_WIDTH / total)));
        return " ".repeat(from) + "█".repeat(to - from) + " ".repeat(BAR_WIDTH - to);
    }

    /** {@code text} cut to {@code width} characters, keeping its end (a child job's id ends in its branch). */
    private static String fit(String text, int width) {
        if (text == null || text.length() <= width) {
            return text;
        }
        return "…" + text.substring(text.length() - width + 1);
    }
}
