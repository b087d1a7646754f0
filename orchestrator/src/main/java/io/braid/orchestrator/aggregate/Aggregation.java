package io.braid.orchestrator.aggregate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns the branch outcomes of a completed job into the job's answer. */
public final class Aggregation {

    /**
     * Strategies the aggregator can apply (SYNTHESIZE and SELECT through {@link FinalAggregation}); the dispatcher
     * rejects jobs asking for others.
     */
    public static final Set<AggregationStrategy> SUPPORTED =
            EnumSet.allOf(AggregationStrategy.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private Aggregation() {
    }

    /**
     * The aggregated output text, for the strategies that need no further task (SELECT here only with a named
     * scorer; with an LLM judge, and SYNTHESIZE, see {@link FinalAggregation}); at least one branch succeeded.
     */
    public static String aggregate(AggregationSpec spec, List<BranchOutcome> outcomes, Map<String, String> inputs) {
        return switch (spec.getStrategy()) {
            case COLLECT -> collect(outcomes);
            case TEMPLATE -> fillTemplate(spec.getTemplate(), outcomes, inputs);
            case VOTE -> vote(outcomes);
            case SELECT -> FinalAggregation.selectByScorer(spec.getScorer(), outcomes).output();
            case SYNTHESIZE -> throw new IllegalArgumentException("SYNTHESIZE takes a final step through a worker: "
                    + "see FinalAggregation");
        };
    }

    /** A JSON object: branchId -> output, for the branches that succeeded, in manifest order. */
    static String collect(List<BranchOutcome> outcomes) {
        ObjectNode object = JSON.createObjectNode();
        for (BranchOutcome outcome : outcomes) {
            if (outcome.getStatus() == BranchStatus.SUCCEEDED) {
                object.put(outcome.getBranchId(), outcome.getOutput());
            }
        }
        return object.toString();
    }

    /**
     * Majority over the successful outputs, compared after normalising (case, surrounding whitespace and quotes,
     * inner runs of whitespace, trailing punctuation). A JSON object: {@code answer} (the winning output as the
     * first branch to give it wrote it; null on a tie), {@code votes} (the winner's count), {@code voters},
     * {@code tie}, {@code tiedAnswers} (the normalised answers sharing the top count, on a tie) and {@code tally}
     * (normalised answer -> votes, most first).
     */
    static String vote(List<BranchOutcome> outcomes) {
        Map<String, Integer> tally = new LinkedHashMap<>();
        Map<String, String> firstWording = new HashMap<>();
        for (BranchOutcome outcome : outcomes) {
            if (outcome.getStatus() == BranchStatus.SUCCEEDED && outcome.getOutput() != null) {
                String normalized = normalize(outcome.getOutput());
                tally.merge(normalized, 1, Integer::sum);
                firstWording.putIfAbsent(normalized, outcome.getOutput().strip());
            }
        }
        int top = tally.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<String> leaders = tally.entrySet().stream().filter(e -> e.getValue() == top).map(Map.Entry::getKey)
                .toList();
        ObjectNode result = JSON.createObjectNode();
        boolean tie = leaders.size() > 1;
        result.put("answer", tie || leaders.isEmpty() ? null : firstWording.get(leaders.get(0)));
        result.put("votes", top);
        result.put("voters", tally.values().stream().mapToInt(Integer::intValue).sum());
        result.put("tie", tie);
        if (tie) {
            leaders.forEach(result.putArray("tiedAnswers")::add);
        }
        ObjectNode counts = result.putObject("tally");
        tally.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return result.toString();
    }

    static String normalize(String output) {
        String text = output.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        text = text.replaceAll("^[\"'`]+|[\"'`]+$", "").strip();
        return text.replaceAll("[.!?;:,]+$", "").strip();
    }

    /** The template with each {@code {{branchId}}} replaced by that branch's output (empty when it has none). */
    /**
     * The template with {@code {{branchId}}} replaced by each branch's output (empty when it did not succeed), then
     * {@code {{name}}} by the job's inputs; other placeholders are left as written.
     */
    static String fillTemplate(String template, List<BranchOutcome> outcomes, Map<String, String> inputs) {
        String text = template == null ? "" : template;
        for (BranchOutcome outcome : outcomes) {
            String output = outcome.getStatus() == BranchStatus.SUCCEEDED && outcome.getOutput() != null
                    ? outcome.getOutput() : "";
            text = text.replace("{{" + outcome.getBranchId() + "}}", output);
        }
        for (Map.Entry<String, String> input : inputs.entrySet()) {
            text = text.replace("{{" + input.getKey() + "}}", input.getValue());
        }
        return text;
    }

}
