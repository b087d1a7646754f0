package io.braid.orchestrator.aggregate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Turns the branch outcomes of a completed job into the job's answer. */
public final class Aggregation {

    /** Strategies the aggregator can apply today; the dispatcher rejects jobs asking for others. */
    public static final Set<AggregationStrategy> SUPPORTED =
            EnumSet.of(AggregationStrategy.COLLECT, AggregationStrategy.TEMPLATE);

    private static final ObjectMapper JSON = new ObjectMapper();

    private Aggregation() {
    }

    /** The aggregated output text. */
    public static String aggregate(AggregationSpec spec, List<BranchOutcome> outcomes) {
        return switch (spec.getStrategy()) {
            case COLLECT -> collect(outcomes);
            case TEMPLATE -> fillTemplate(spec.getTemplate(), outcomes);
            default -> throw new IllegalArgumentException("aggregation " + spec.getStrategy()
                    + " is not supported by this aggregator; supported: " + SUPPORTED);
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

    /** The template with each {@code {{branchId}}} replaced by that branch's output (empty when it has none). */
    static String fillTemplate(String template, List<BranchOutcome> outcomes) {
        String text = template == null ? "" : template;
        for (BranchOutcome outcome : outcomes) {
            String output = outcome.getStatus() == BranchStatus.SUCCEEDED && outcome.getOutput() != null
                    ? outcome.getOutput() : "";
            text = text.replace("{{" + outcome.getBranchId() + "}}", output);
        }
        return text;
    }
}
