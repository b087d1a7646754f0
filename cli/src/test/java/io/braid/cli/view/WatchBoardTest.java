package io.braid.cli.view;

import io.braid.schema.BranchStatus;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code braid watch}'s board of a wide job: a summary on a terminal and in a log. */
class WatchBoardTest {

    private static final Instant SUBMITTED = Instant.parse("2026-01-01T10:00:00Z");
    private static final Clock TWO_SECONDS_IN = Clock.fixed(SUBMITTED.plusSeconds(2), ZoneOffset.UTC);

    private static Map<String, String> pending(int branches) {
        Map<String, String> states = new LinkedHashMap<>();
        for (int i = 0; i < branches; i++) {
            states.put("b" + i, "PENDING");
        }
        return states;
    }

    private static JobEvent event(JobEventType type, int branch, BranchStatus status, long atMillis) {
        return JobEvent.newBuilder().setJobId("wide-1").setType(type).setBranchId("b" + branch)
                .setBranchStatus(status).setWorkerId("worker-1").setAttempt(1).setAt(SUBMITTED.plusMillis(atMillis))
                .build();
    }

    /** 1,000 branches; 600 started, 400 of them finished (the first 2 FAILED). */
    private static String watched(boolean terminal) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        WatchBoard board = new WatchBoard(new PrintStream(buffer, true, StandardCharsets.UTF_8), terminal,
                TWO_SECONDS_IN, "wide-1", SUBMITTED, pending(1_000), Listing.defaults());
        for (int i = 0; i < 600; i++) {
            board.apply(event(JobEventType.BRANCH_STARTED, i, null, 100 + i));
        }
        for (int i = 0; i < 400; i++) {
            board.apply(event(JobEventType.BRANCH_FINISHED, i, i < 2 ? BranchStatus.FAILED : BranchStatus.SUCCEEDED,
                    1_000 + i));
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_wide_job_in_a_log_gets_a_line_per_tenth_finished_and_its_first_failures() {
        List<String> lines = watched(false).lines().toList();

        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).startsWith("  b0  ").contains("FAILED");
        assertThat(lines.get(1)).startsWith("  b1  ").contains("FAILED");
        assertThat(lines.subList(2, 6)).containsExactly(
                "Job wide-1: 100/1000 branches finished, 2.0s since submission; 400 pending, 500 running, "
                        + "98 SUCCEEDED, 2 FAILED",
                "Job wide-1: 200/1000 branches finished, 2.0s since submission; 400 pending, 400 running, "
                        + "198 SUCCEEDED, 2 FAILED",
                "Job wide-1: 300/1000 branches finished, 2.0s since submission; 400 pending, 300 running, "
                        + "298 SUCCEEDED, 2 FAILED",
                "Job wide-1: 400/1000 branches finished, 2.0s since submission; 400 pending, 200 running, "
                        + "398 SUCCEEDED, 2 FAILED");
    }

    @Test
    void a_wide_job_on_a_terminal_is_redrawn_as_counts_and_a_histogram_not_a_line_per_branch() {
        String frames = watched(true);
        String lastFrame = frames.substring(frames.lastIndexOf("Job wide-1:"));

        assertThat(lastFrame.lines().map(line -> line.replace("\u001b[2K", "")).toList()).satisfiesExactly(
                header -> assertThat(header).isEqualTo("Job wide-1: 400/1000 branches finished, 2.0s since submission"),
                states -> assertThat(states).isEqualTo("  400 pending, 200 running, 398 SUCCEEDED, 2 FAILED "
                        + "(a summary; --all lists every branch)"),
                running -> assertThat(running).matches("  running  \\|[ ▁▂▃▄▅▆▇█]{50}\\|  at most 600 at once"),
                finished -> assertThat(finished).matches("  finished \\|[ ▁▂▃▄▅▆▇█]{50}\\|  at most \\d+ in 40 ms"));
    }

    @Test
    void finished_branches_tokens_and_cost_are_summed_in_the_header_once_per_branch() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        WatchBoard board = new WatchBoard(new PrintStream(buffer, true, StandardCharsets.UTF_8), false,
                TWO_SECONDS_IN, "wide-1", SUBMITTED, pending(1_000), Listing.defaults());
        for (int i = 0; i < 100; i++) {
            JobEvent finished = event(JobEventType.BRANCH_FINISHED, i, BranchStatus.SUCCEEDED, 1_000 + i);
            finished.setUsage(new io.braid.schema.TokenUsage(10, 2));
            finished.setCost(0.001);
            board.apply(finished);
        }
        JobEvent again = event(JobEventType.BRANCH_FINISHED, 0, BranchStatus.SUCCEEDED, 2_000);
        again.setUsage(new io.braid.schema.TokenUsage(10, 2));
        again.setCost(0.001);
        board.apply(again);

        assertThat(buffer.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "Job wide-1: 100/1000 branches finished, 2.0s since submission, 1,200 tokens, cost 0.1000; "
                        + "900 pending, 100 SUCCEEDED");
    }
}
