package io.braid.testing.chaos;

import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The chaos suite's checker, a pure function: given the jobs submitted with their known answers, the job results
 * committed on the results topic (read committed, in order) and the dead letters written, it lists every job
 * lost (no result for round 1), every (job, round) with more than one result, every result with a wrong answer
 * (not SUCCEEDED, a branch missing, repeated or answering wrongly, or a round after the first: the suite replays
 * nothing), every result of a job nobody submitted, and every dead letter (the suite submits only valid jobs, so
 * a dead letter means a record was broken or refused in transit).
 */
public final class ResultChecker {

    private ResultChecker() {
    }

    /** What a branch must answer: exactly {@code text}, or any text containing it. */
    public record Answer(String text, boolean exact) {
        public Answer {
            Objects.requireNonNull(text, "text");
        }

        public static Answer exactly(String text) {
            return new Answer(text, true);
        }

        public static Answer containing(String text) {
            return new Answer(text, false);
        }

        boolean matches(String output) {
            return output != null && (exact ? output.equals(text) : output.contains(text));
        }
    }

    /** A dead letter as the suite read it: its topic, the job it names (null when unknown) and its reason. */
    public record DeadLetter(String topic, String jobId, String reason) {
    }

    /**
     * What the checker found; {@link #ok()} when nothing.
     *
     * @param lost              jobs without a round-1 result
     * @param duplicated        "job round N: K results"
     * @param wrong             "job: what is wrong" for a result that is not SUCCEEDED with every answer right
     * @param unknown           job ids of results nobody submitted
     * @param deadLetters       every dead letter, described
     * @param results           results read
     */
    public record Report(List<String> lost, List<String> duplicated, List<String> wrong, List<String> unknown,
                         List<String> deadLetters, int results) {
        public boolean ok() {
            return lost.isEmpty() && duplicated.isEmpty() && wrong.isEmpty() && unknown.isEmpty()
                    && deadLetters.isEmpty();
        }

        /** One paragraph: the counts, then the first few of each kind of violation. */
        public String summary() {
            return String.format("%d results: %d lost, %d duplicated, %d wrong, %d unknown, %d dead letters%s%s%s%s%s",
                    results, lost.size(), duplicated.size(), wrong.size(), unknown.size(), deadLetters.size(),
                    first("lost", lost), first("duplicated", duplicated), first("wrong", wrong),
                    first("unknown", unknown), first("dead letters", deadLetters));
        }

        private static String first(String kind, List<String> items) {
            return items.isEmpty() ? "" : "; " + kind + ": " + items.stream().limit(5)
                    .collect(Collectors.joining(", ")) + (items.size() > 5 ? ", ..." : "");
        }
    }

    /**
     * Checks {@code results} and {@code deadLetters} against {@code expected} (job id → branch id → answer).
     */
    public static Report check(Map<String, Map<String, Answer>> expected, List<JobResult> results,
                               List<DeadLetter> deadLetters) {
        Map<String, List<JobResult>> byJobAndRound = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (JobResult result : results) {
            if (!expected.containsKey(result.getJobId())) {
                unknown.add(result.getJobId());
                continue;
            }
            byJobAndRound.computeIfAbsent(result.getJobId() + " round " + result.getRound(), key -> new ArrayList<>())
                    .add(result);
        }
        List<String> lost = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Map<String, Answer>> job : expected.entrySet()) {
            if (!byJobAndRound.containsKey(job.getKey() + " round 1")) {
                lost.add(job.getKey());
            }
        }
        for (List<JobResult> sameRound : byJobAndRound.values()) {
            for (JobResult result : sameRound) {
                wrongness(result, expected.get(result.getJobId())).ifPresent(
                        what -> wrong.add(result.getJobId() + ": " + what));
            }
        }
        List<String> duplicated = byJobAndRound.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + ": " + e.getValue().size() + " results").toList();
        List<String> letters = deadLetters.stream()
                .map(d -> d.topic() + " (job " + d.jobId() + "): " + d.reason()).toList();
        return new Report(List.copyOf(lost), duplicated, List.copyOf(wrong), List.copyOf(unknown), letters,
                results.size());
    }

    private static java.util.Optional<String> wrongness(JobResult result, Map<String, Answer> answers) {
        if (result.getRound() != 1) {
            return java.util.Optional.of("a result for round " + result.getRound() + ", which nobody asked for");
        }
        if (result.getStatus() != JobStatus.SUCCEEDED) {
            return java.util.Optional.of("status " + result.getStatus() + " (completed by "
                    + result.getCompletedBy() + ")");
        }
        Map<String, Long> times = result.getBranches().stream()
                .collect(Collectors.groupingBy(BranchOutcome::getBranchId, Collectors.counting()));
        java.util.Optional<String> repeated = times.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> "branch " + e.getKey() + " appears " + e.getValue() + " times").findFirst();
        if (repeated.isPresent()) {
            return repeated;
        }
        Map<String, BranchOutcome> outcomes = result.getBranches().stream()
                .collect(Collectors.toMap(BranchOutcome::getBranchId, o -> o));
        if (!outcomes.keySet().equals(answers.keySet())) {
            return java.util.Optional.of("branches " + outcomes.keySet() + ", expected " + answers.keySet());
        }
        for (Map.Entry<String, Answer> answer : answers.entrySet()) {
            BranchOutcome outcome = outcomes.get(answer.getKey());
            if (outcome.getStatus() != BranchStatus.SUCCEEDED || !answer.getValue().matches(outcome.getOutput())) {
                return java.util.Optional.of("branch " + answer.getKey() + " " + outcome.getStatus() + " answered '"
                        + outcome.getOutput() + "', expected " + (answer.getValue().exact() ? "" : "text containing ")
                        + "'" + answer.getValue().text() + "'");
            }
        }
        return java.util.Optional.empty();
    }
}
