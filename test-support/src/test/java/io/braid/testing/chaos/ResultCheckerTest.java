package io.braid.testing.chaos;

import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.testing.JobFixtures;
import io.braid.testing.chaos.ResultChecker.Answer;
import io.braid.testing.chaos.ResultChecker.DeadLetter;
import io.braid.testing.chaos.ResultChecker.Report;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker must catch what the chaos suite exists to find: a duplicated result, a lost one, a wrong answer. */
class ResultCheckerTest {

    private static final Map<String, Answer> ANSWERS = Map.of("sum", Answer.exactly("42"),
            "llm", Answer.containing("job-x"));

    private static Map<String, Map<String, Answer>> expected(String... jobs) {
        Map<String, Map<String, Answer>> expected = new LinkedHashMap<>();
        for (String job : jobs) {
            expected.put(job, ANSWERS);
        }
        return expected;
    }

    private static JobResult result(String jobId, int round, String sum, String llm) {
        return JobResult.newBuilder().setJobId(jobId).setRound(round).setStatus(JobStatus.SUCCEEDED)
                .setCompletedBy("ALL").setSubmittedAt(JobFixtures.T0).setCompletedAt(JobFixtures.T0)
                .setBranches(List.of(outcome("sum", sum), outcome("llm", llm))).build();
    }

    private static BranchOutcome outcome(String branchId, String output) {
        return BranchOutcome.newBuilder().setBranchId(branchId).setStatus(BranchStatus.SUCCEEDED).setOutput(output)
                .build();
    }

    private static List<JobResult> rightResults(String... jobs) {
        List<JobResult> results = new ArrayList<>();
        for (String job : jobs) {
            results.add(result(job, 1, "42", "[simulated] about job-x"));
        }
        return results;
    }

    @Test
    void right_results_pass() {
        Report report = ResultChecker.check(expected("a", "b", "c"), rightResults("a", "b", "c"), List.of());

        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.results()).isEqualTo(3);
    }

    @Test
    void a_planted_duplicate_is_caught_and_a_later_round_is_wrong_not_a_duplicate() {
        List<JobResult> results = rightResults("a", "b", "c");
        results.add(result("b", 1, "42", "[simulated] about job-x"));
        results.add(result("c", 2, "42", "[simulated] about job-x"));

        Report report = ResultChecker.check(expected("a", "b", "c"), results, List.of());

        assertThat(report.ok()).isFalse();
        assertThat(report.duplicated()).containsExactly("b round 1: 2 results");
        assertThat(report.wrong()).containsExactly("c: a result for round 2, which nobody asked for");
        assertThat(report.lost()).isEmpty();
        assertThat(report.summary()).contains("1 duplicated");
    }

    @Test
    void a_branch_answered_twice_in_one_result_is_caught() {
        JobResult twice = result("a", 1, "42", "[simulated] about job-x");
        twice.setBranches(new ArrayList<>(twice.getBranches()));
        twice.getBranches().add(outcome("sum", "99"));

        Report report = ResultChecker.check(expected("a"), List.of(twice), List.of());

        assertThat(report.ok()).isFalse();
        assertThat(report.wrong()).containsExactly("a: branch sum appears 2 times");
    }

    @Test
    void a_planted_loss_is_caught() {
        Report report = ResultChecker.check(expected("a", "b", "c"), rightResults("a", "c"), List.of());

        assertThat(report.ok()).isFalse();
        assertThat(report.lost()).containsExactly("b");
        assertThat(report.summary()).contains("1 lost").contains("lost: b");
    }

    @Test
    void a_wrong_answer_a_failed_job_a_stranger_and_a_dead_letter_are_each_caught() {
        List<JobResult> results = new ArrayList<>(List.of(result("a", 1, "41", "[simulated] about job-x"),
                result("b", 1, "42", "[simulated] about another job"), result("zz", 1, "42", "job-x")));
        JobResult failed = result("c", 1, "42", "job-x");
        failed.setStatus(JobStatus.FAILED);
        results.add(failed);

        Report report = ResultChecker.check(expected("a", "b", "c"), results,
                List.of(new DeadLetter("braid.tasks.dlq", "a", "UnreadableRecord")));

        assertThat(report.wrong()).hasSize(3).anySatisfy(w -> assertThat(w).startsWith("a: branch sum")
                .contains("'41', expected '42'")).anySatisfy(w -> assertThat(w).startsWith("b: branch llm")
                .contains("text containing 'job-x'")).anySatisfy(w -> assertThat(w).startsWith("c: status FAILED"));
        assertThat(report.unknown()).containsExactly("zz");
        assertThat(report.deadLetters()).containsExactly("braid.tasks.dlq (job a): UnreadableRecord");
        assertThat(report.ok()).isFalse();
    }
}
