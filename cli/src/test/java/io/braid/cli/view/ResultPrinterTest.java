package io.braid.cli.view;

import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchError;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.TokenUsage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code braid result}, {@code run} and {@code watch} print for a job result, narrow and wide. */
class ResultPrinterTest {

    private static final Instant SUBMITTED = Instant.parse("2026-01-01T10:00:00Z");

    /** Branch {@code i} of a wide job: starts {@code i} ms after submission, runs 200 ms + i % 400 ms. */
    private static BranchOutcome branch(int i, BranchStatus status) {
        BranchOutcome.Builder branch = BranchOutcome.newBuilder().setBranchId("b" + i).setStatus(status)
                .setAttempt(1).setWorkerId("worker-" + (1 + i % 3))
                .setStartedAt(SUBMITTED.plusMillis(100 + i)).setFinishedAt(SUBMITTED.plusMillis(300 + i + i % 400))
                .setModel("simulated").setUsage(new TokenUsage(10, 5)).setLatencyMs(200L + i % 400);
        if (status != BranchStatus.SUCCEEDED) {
            branch.setError(new BranchError("ToolException", "branch b" + i + " broke", false));
        }
        return branch.build();
    }

    private static JobResult result(List<BranchOutcome> branches, int round) {
        String output = branches.stream().filter(b -> b.getStatus() == BranchStatus.SUCCEEDED)
                .map(b -> "\"" + b.getBranchId() + "\": \"answer of " + b.getBranchId() + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
        return JobResult.newBuilder().setJobId("wide-1").setRound(round).setStatus(JobStatus.PARTIAL)
                .setCompletedBy("ALL").setAggregation(AggregationStrategy.COLLECT).setOutput(output)
                .setBranches(branches).setSubmittedAt(SUBMITTED).setCompletedAt(SUBMITTED.plusMillis(1_500))
                .build();
    }

    private static JobResult wideJob(int width, int... failed) {
        List<BranchOutcome> branches = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            int index = i;
            boolean fails = IntStream.of(failed).anyMatch(f -> f == index);
            branches.add(branch(i, fails ? BranchStatus.FAILED : BranchStatus.SUCCEEDED));
        }
        return result(branches, 1);
    }

    private static List<String> printed(JobResult result, Listing listing, int latestRound) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new ResultPrinter(new PrintStream(buffer, true, StandardCharsets.UTF_8), listing).print(result, latestRound);
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void a_thousand_branch_job_is_summarised_in_a_few_lines_with_counts_histogram_slowest_and_failures() {
        JobResult result = wideJob(1_000, 17, 500);

        List<String> lines = printed(result, Listing.defaults(), 1);

        assertThat(lines).hasSizeLessThan(30);
        assertThat(lines).contains("Job wide-1: PARTIAL (completed by ALL, round 1)",
                "  1000 branches: 998 SUCCEEDED, 2 FAILED (a summary; --all lists every branch)",
                "  timeline (0 → 1500 ms, 30 ms a column):",
                "  did not succeed (2):",
                "    b17 FAILED: ToolException: branch b17 broke",
                "    b500 FAILED: ToolException: branch b500 broke",
                "  branches per worker: worker-1 334, worker-2 333, worker-3 333",
                "  model simulated: 1000 branches, 10,000 tokens in / 5,000 out, 380 ms in the model on average",
                "  … and 993 more outputs (--all lists them, --json prints the result)");
        // b399 and b799 ran longest: 200 + 399 ms
        assertThat(lines).anyMatch(line -> line.startsWith("  slowest: b399 599 ms (worker-1), b799 599 ms "
                + "(worker-2), b398 598 ms (worker-3)"));
        assertThat(lines).anyMatch(line -> line.matches("    running  \\|[ ▁▂▃▄▅▆▇█]{50}\\|  at most \\d+ at once"));
        assertThat(lines).anyMatch(line -> line.matches("    finished \\|[ ▁▂▃▄▅▆▇█]{50}\\|  at most \\d+ in 30 ms"));
        assertThat(lines).noneMatch(line -> line.startsWith("  b5 ") || line.startsWith("  b5: "));
    }

    @Test
    void all_lists_every_branch_of_a_wide_job() {
        List<String> lines = printed(wideJob(1_000, 17), new Listing(Listing.DEFAULT_LIMIT, true), 1);

        assertThat(lines.stream().filter(line -> line.matches("  b\\d+ +(SUCCEEDED|FAILED) +worker-\\d.*")))
                .hasSize(1_000);
        assertThat(lines).contains("  b17 failed: ToolException: branch b17 broke");
    }

    @Test
    void a_job_at_the_limit_is_listed_and_one_past_it_is_summarised() {
        assertThat(printed(wideJob(50), Listing.defaults(), 1)).anyMatch(line -> line.startsWith("  b49 "));
        assertThat(printed(wideJob(51), Listing.defaults(), 1)).noneMatch(line -> line.startsWith("  b49 "))
                .contains("  51 branches: 51 SUCCEEDED (a summary; --all lists every branch)");
    }

    @Test
    void a_branch_that_started_before_the_submission_by_the_clients_clock_is_drawn_from_zero() {
        BranchOutcome early = BranchOutcome.newBuilder(branch(1, BranchStatus.SUCCEEDED))
                .setStartedAt(SUBMITTED.minusMillis(120)).setFinishedAt(SUBMITTED.plusMillis(400)).build();

        List<String> lines = printed(result(List.of(early, branch(2, BranchStatus.SUCCEEDED)), 1), Listing.defaults(),
                1);

        assertThat(lines).anyMatch(line -> line.matches("  b1 +SUCCEEDED +worker-2 +-120 ms +400 ms +520 ms  \\|█+ +\\|"));
        assertThat(lines).contains("  1 branch started before the job was submitted, by 120 ms at most: the clocks "
                + "of the client and the workers differ; the timeline starts them at 0.");
    }

    @Test
    void a_replayed_jobs_latest_round_says_earlier_rounds_exist_and_an_earlier_round_says_it_is_not_the_latest() {
        assertThat(printed(result(List.of(branch(1, BranchStatus.SUCCEEDED)), 2), Listing.defaults(), 2))
                .contains("  The latest of 2 rounds; earlier round 1 (braid result wide-1 --round N).");
        assertThat(printed(result(List.of(branch(1, BranchStatus.FAILED)), 1), Listing.defaults(), 2))
                .contains("  Round 1 is not the job's latest: round 2 is (braid result wide-1).");
        assertThat(ResultPrinter.roundsNote("j", 3, 3)).isEqualTo("The latest of 3 rounds; earlier rounds 1–2 "
                + "(braid result j --round N).");
        assertThat(ResultPrinter.roundsNote("j", 1, 1)).isEmpty();
    }

    @Test
    void bars_stay_within_the_timeline_whatever_the_clocks_say() {
        assertThat(Timeline.bar(-500, -100, 1_000, 10)).isEqualTo("█         ");
        assertThat(Timeline.bar(-500, 500, 1_000, 10)).isEqualTo("█████     ");
        assertThat(Timeline.bar(900, 3_000, 1_000, 10)).isEqualTo("         █");
        assertThat(Timeline.bar(0, 1_000, 0, 10)).isEqualTo("██████████");
    }
}
