package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.ErrorClass;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobManifest;
import io.braid.schema.LlmCall;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Aggregations that need one more step after the branches: SYNTHESIZE (an LLM combines the outputs) and SELECT
 * (an LLM judge, or a named scorer, picks the best output — the A/B case). The LLM step is an ordinary task,
 * branch {@value #BRANCH_ID}, published to the tasks topic and run by a worker like any branch; its result comes
 * back on the results topic and completes the job.
 */
public final class FinalAggregation {

    /** The reserved branch id of the final aggregation task; job branch ids may not start with "__". */
    public static final String BRANCH_ID = "__aggregate";

    /** SELECT scorers that need no LLM. */
    public static final Set<String> SCORERS = Set.of("longest", "shortest");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYNTHESIZE_SYSTEM = "You combine the answers of several parallel workers into one "
            + "answer. Keep what they agree on, resolve conflicts, and do not mention the workers.";
    private static final String SYNTHESIZE_DEFAULT = "Combine these answers into one.";
    private static final String JUDGE_SYSTEM = "You are a judge. Candidate answers follow, each under its id in "
            + "square brackets. Reply with the id of the best candidate first, then one sentence why.";

    /** What the final step produced: the job's output, or why there is none. */
    public record Outcome(String output, BranchError error) {
    }

    private FinalAggregation() {
    }

    /** Whether the job's answer needs a task after its branches: SYNTHESIZE, or SELECT without a scorer. */
    public static boolean needsTask(AggregationSpec spec) {
        return spec.getStrategy() == AggregationStrategy.SYNTHESIZE
                || spec.getStrategy() == AggregationStrategy.SELECT && spec.getScorer() == null;
    }

    /**
     * The final LLM task. Its inputs are the job's inputs plus the successful outputs, as {@code {{branchId}}} each
     * and all together as {@code {{outputs}}} ("[branchId]" then the output, per branch); an output wins over a job
     * input of the same name. A SYNTHESIZE prompt that names neither {@code {{outputs}}} nor any branch gets the
     * outputs appended, so {@code "Answer {{question}} from the findings"} works as written.
     */
    public static BranchTask task(JobManifest manifest, List<BranchOutcome> outcomes, Instant now) {
        AggregationSpec spec = manifest.getAggregation();
        Map<String, String> inputs = new LinkedHashMap<>(manifest.getInputs());
        StringBuilder all = new StringBuilder();
        for (BranchOutcome outcome : succeeded(outcomes)) {
            inputs.put(outcome.getBranchId(), outcome.getOutput());
            all.append('[').append(outcome.getBranchId()).append("]\n").append(outcome.getOutput()).append("\n\n");
        }
        inputs.put("outputs", all.toString().strip());
        boolean synthesize = spec.getStrategy() == AggregationStrategy.SYNTHESIZE;
        String prompt = spec.getPrompt();
        String user;
        if (synthesize) {
            String text = prompt == null ? SYNTHESIZE_DEFAULT : prompt;
            java.util.Set<String> named = placeholders(text);
            boolean namesOutputs = named.contains("outputs")
                    || outcomes.stream().anyMatch(o -> named.contains(o.getBranchId()));
            user = namesOutputs ? text : text + "\n\n{{outputs}}";
        } else {
            user = (prompt == null ? "" : "Criteria: " + prompt + "\n\n") + "{{outputs}}";
        }
        return BranchTask.newBuilder()
                .setJobId(manifest.getJobId())
                .setRound(manifest.getRound())
                .setInputs(inputs)
                .setMetadata(manifest.getMetadata())
                .setDispatchedAt(now)
                .setDispatchId(manifest.getDispatchId())
                .setBranch(BranchSpec.newBuilder().setBranchId(BRANCH_ID).setKind(BranchKind.LLM)
                        .setLlm(LlmCall.newBuilder().setModel(spec.getModel())
                                .setSystemPrompt(synthesize ? SYNTHESIZE_SYSTEM : JUDGE_SYSTEM)
                                .setUserPrompt(user).build())
                        .build())
                .build();
    }

    /** The job's output from the final task's result ({@code null} when the job ended before it arrived). */
    public static Outcome finish(AggregationSpec spec, List<BranchOutcome> outcomes, BranchResult finalResult,
                                 io.braid.schema.CompletedBy completedBy) {
        if (finalResult == null) {
            return failed(ErrorClass.NotAggregated, "the job ended by " + completedBy + " before its " + spec.getStrategy()
                    + " step finished");
        }
        if (finalResult.getStatus() != BranchStatus.SUCCEEDED) {
            return new Outcome(null, finalResult.getError() != null ? finalResult.getError()
                    : new BranchError(ErrorClass.AggregationFailed.name(), "the " + spec.getStrategy() + " step ended "
                    + finalResult.getStatus(), false));
        }
        if (spec.getStrategy() == AggregationStrategy.SYNTHESIZE) {
            return new Outcome(finalResult.getOutput(), null);
        }
        String verdict = finalResult.getOutput() == null ? "" : finalResult.getOutput();
        Optional<BranchOutcome> chosen = chosenBy(verdict, succeeded(outcomes));
        return chosen.map(o -> new Outcome(selection(o, "judge", verdict), null))
                .orElseGet(() -> failed(ErrorClass.NoCandidateChosen, "the judge's answer names no candidate: "
                        + abbreviate(verdict)));
    }

    /**
     * The candidate the judge named: its first word when that is a candidate's id (as asked), else the first
     * "[id]" in its answer, else the first candidate id standing as a whole word.
     */
    static Optional<BranchOutcome> chosenBy(String verdict, List<BranchOutcome> candidates) {
        String[] words = verdict.strip().split("\\s+", 2);
        String first = trim(words[0], "[\"'`*", "]\"'`*.,:;!");
        Optional<BranchOutcome> named = candidates.stream().filter(o -> o.getBranchId().equals(first)).findFirst();
        if (named.isPresent()) {
            return named;
        }
        Optional<BranchOutcome> bracketed = candidates.stream().filter(o -> verdict.contains("[" + o.getBranchId() + "]"))
                .min(Comparator.comparingInt(o -> verdict.indexOf("[" + o.getBranchId() + "]")));
        if (bracketed.isPresent()) {
            return bracketed;
        }
        return candidates.stream().filter(o -> wordAt(verdict, o.getBranchId()) >= 0)
                .min(Comparator.comparingInt(o -> wordAt(verdict, o.getBranchId())));
    }

    /*
     * Text scans for what the model and the job wrote, in one pass each: a regular expression over a model's answer
     * or a job's prompt (with .* around it, or once per branch) took time quadratic in its length.
     */

    /** The names of the {@code {{ name }}} placeholders in {@code text}, spaces around a name ignored. */
    static java.util.Set<String> placeholders(String text) {
        java.util.Set<String> names = new java.util.HashSet<>();
        int open = text.indexOf("{{");
        while (open >= 0) {
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                break;
            }
            names.add(text.substring(open + 2, close).strip());
            open = text.indexOf("{{", close + 2);
        }
        return names;
    }

    /** {@code word} without leading characters in {@code leading} and trailing ones in {@code trailing}. */
    static String trim(String word, String leading, String trailing) {
        int start = 0;
        int end = word.length();
        while (start < end && leading.indexOf(word.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && trailing.indexOf(word.charAt(end - 1)) >= 0) {
            end--;
        }
        return word.substring(start, end);
    }

    /** Where {@code word} first stands in {@code text} as a whole word (not inside a longer one), or -1. */
    static int wordAt(String text, String word) {
        if (word.isEmpty()) {
            return -1;
        }
        for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
            int after = at + word.length();
            boolean startsWord = at == 0 || !wordChar(text.charAt(at - 1)) || !wordChar(word.charAt(0));
            boolean endsWord = after == text.length() || !wordChar(text.charAt(after))
                    || !wordChar(word.charAt(word.length() - 1));
            if (startsWord && endsWord) {
                return at;
            }
        }
        return -1;
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** SELECT by a named scorer, with no LLM: {@code longest} or {@code shortest} output. */
    public static Outcome selectByScorer(String scorer, List<BranchOutcome> outcomes) {
        Comparator<BranchOutcome> byLength = Comparator.comparingInt(o -> o.getOutput().length());
        Optional<BranchOutcome> chosen = switch (scorer) {
            case "longest" -> succeeded(outcomes).stream().max(byLength);
            case "shortest" -> succeeded(outcomes).stream().min(byLength);
            default -> throw new IllegalArgumentException("unknown scorer '" + scorer + "'; known: " + SCORERS);
        };
        return chosen.map(o -> new Outcome(selection(o, "scorer " + scorer, null), null))
                .orElseGet(() -> failed(ErrorClass.NoCandidate, "no branch succeeded"));
    }

    /** {@code {"selected": branchId, "answer": its output, "by": how, "verdict": the judge's words}}. */
    private static String selection(BranchOutcome chosen, String by, String verdict) {
        ObjectNode node = JSON.createObjectNode();
        node.put("selected", chosen.getBranchId());
        node.put("answer", chosen.getOutput());
        node.put("by", by);
        if (verdict != null) {
            node.put("verdict", verdict);
        }
        return node.toString();
    }

    private static List<BranchOutcome> succeeded(List<BranchOutcome> outcomes) {
        return outcomes.stream()
                .filter(o -> o.getStatus() == BranchStatus.SUCCEEDED && o.getOutput() != null).toList();
    }

    private static Outcome failed(ErrorClass errorClass, String message) {
        return new Outcome(null, errorClass.error(message));
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= 120 ? flat : flat.substring(0, 117) + "...";
    }
}
