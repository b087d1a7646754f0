package io.braid.orchestrator.internal.aggregate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.RecordLimits;

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

    /**
     * The most characters a filled TEMPLATE may have: four default records' worth, so that a result too large to
     * publish is still answered {@code ResultTooLarge} while a template naming a large output thousands of times
     * cannot fill the heap.
     */
    static final int MAX_TEMPLATE_CHARS = 4 * RecordLimits.DEFAULT_RECORD_BYTES;
    private static final String QUOTES = "\"'`";
    private static final String TRAILING_PUNCTUATION = ".!?;:,";
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

    /**
     * The form VOTE compares: lower case, runs of whitespace as one space, surrounding quotes and trailing
     * punctuation removed. Plain scans, no regular expressions: an output of a million quotes costs a million
     * steps, not a million squared.
     */
    static String normalize(String output) {
        String text = collapseWhitespace(output.strip().toLowerCase(Locale.ROOT));
        int start = 0;
        int end = text.length();
        while (start < end && QUOTES.indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && QUOTES.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        text = text.substring(start, end).strip();
        end = text.length();
        while (end > 0 && TRAILING_PUNCTUATION.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(0, end).strip();
    }

    /** Each run of the characters regular expressions call {@code \s} replaced by one space. */
    private static String collapseWhitespace(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inRun = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
            if (!space) {
                out.append(c);
            } else if (!inRun) {
                out.append(' ');
            }
            inRun = space;
        }
        return out.toString();
    }

    /**
     * The template with {@code {{branchId}}} replaced by each branch's output (empty when it did not succeed) and
     * {@code {{name}}} by the job's inputs (a branch wins over an input of the same name); other placeholders are
     * left as written. One pass over the template: a placeholder inside a substituted output is text, never filled
     * in turn. At most {@link #MAX_TEMPLATE_CHARS} characters.
     */
    static String fillTemplate(String template, List<BranchOutcome> outcomes, Map<String, String> inputs) {
        return fillTemplate(template, outcomes, inputs, MAX_TEMPLATE_CHARS);
    }

    /**
     * As {@link #fillTemplate(String, List, Map)}, refusing an output longer than {@code maxChars}
     * ({@link IllegalArgumentException} naming the limit) before it is built: a template may name a large output
     * many times. A placeholder's name holds no '{', so each placeholder is looked at once.
     */
    static String fillTemplate(String template, List<BranchOutcome> outcomes, Map<String, String> inputs,
                               int maxChars) {
        if (template == null) {
            return "";
        }
        Map<String, String> values = new HashMap<>(inputs);
        for (BranchOutcome outcome : outcomes) {
            values.put(outcome.getBranchId(), outcome.getStatus() == BranchStatus.SUCCEEDED
                    && outcome.getOutput() != null ? outcome.getOutput() : "");
        }
        StringBuilder out = new StringBuilder();
        int copied = 0;
        int close = -1; // the first "}}" from open + 2
        int brace = -1; // the first '{' from open + 2, MAX_VALUE when there is none
        for (int open = template.indexOf("{{"); open >= 0; open = template.indexOf("{{", open + 1)) {
            if (close < open + 2) {
                close = template.indexOf("}}", open + 2);
                if (close < 0) {
                    break;
                }
            }
            if (brace < open + 2) {
                brace = template.indexOf('{', open + 2);
                brace = brace < 0 ? Integer.MAX_VALUE : brace;
            }
            String value = brace < close ? null : values.get(template.substring(open + 2, close));
            if (value != null) {
                append(out, template, copied, open, maxChars);
                append(out, value, 0, value.length(), maxChars);
                copied = close + 2;
                open = close + 1;
            }
        }
        append(out, template, copied, template.length(), maxChars);
        return out.toString();
    }

    private static void append(StringBuilder out, String text, int from, int to, int maxChars) {
        if ((long) out.length() + (to - from) > maxChars) {
            throw new IllegalArgumentException("the filled TEMPLATE would pass " + maxChars + " characters, the "
                    + "limit of an aggregated output; name large outputs fewer times, or use COLLECT");
        }
        out.append(text, from, to);
    }

}
