package io.braid.cli.view;

import io.braid.schema.BranchStatus;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress lines of {@code braid run} and {@code demo}: every event of a narrow job, a summary of a wide one. */
class ProgressPrinterTest {

    private static final Instant SUBMITTED = Instant.parse("2026-01-01T10:00:00Z");

    private static JobEvent event(JobEventType type, String branchId, BranchStatus status, long atMillis) {
        return JobEvent.newBuilder().setJobId("wide-1").setType(type).setBranchId(branchId).setBranchStatus(status)
                .setWorkerId("worker-1").setAttempt(1).setAt(SUBMITTED.plusMillis(atMillis))
                .setMessage(type == JobEventType.JOB_DISPATCHED ? "100 branches" : null).build();
    }

    /** Dispatch, then 100 branches started and finished one after another, the ones in {@code failing} FAILED. */
    private static List<String> printed(Listing listing, int branches, List<Integer> failing) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ProgressPrinter printer = new ProgressPrinter(new PrintStream(buffer, true, StandardCharsets.UTF_8),
                SUBMITTED, branches, listing);
        printer.print(event(JobEventType.JOB_DISPATCHED, null, null, 20));
        for (int i = 0; i < branches; i++) {
            printer.print(event(JobEventType.BRANCH_STARTED, "b" + i, null, 100 + 10L * i));
            printer.print(event(JobEventType.BRANCH_FINISHED, "b" + i,
                    failing.contains(i) ? BranchStatus.FAILED : BranchStatus.SUCCEEDED, 105 + 10L * i));
        }
        printer.print(event(JobEventType.JOB_COMPLETED, null, null, 2_000));
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void a_wide_job_prints_a_line_per_tenth_finished_and_its_first_failures_instead_of_every_event() {
        List<String> lines = printed(Listing.defaults(), 100, List.of(5, 6, 7, 8, 9));

        assertThat(lines).containsExactly(
                "   +0.020s  dispatched: 100 branches",
                "   +0.100s  first branch started (b0 on worker-1)",
                "   +0.155s  b5             FAILED",
                "   +0.165s  b6             FAILED",
                "   +0.175s  b7             FAILED",
                "   +0.185s  (more retries and failures: counted below, not listed)",
                "   +0.195s  10/100 finished (5 SUCCEEDED, 5 FAILED), 0 running",
                "   +0.295s  20/100 finished (15 SUCCEEDED, 5 FAILED), 0 running",
                "   +0.395s  30/100 finished (25 SUCCEEDED, 5 FAILED), 0 running",
                "   +0.495s  40/100 finished (35 SUCCEEDED, 5 FAILED), 0 running",
                "   +0.595s  50/100 finished (45 SUCCEEDED, 5 FAILED), 0 running",
                "   +0.695s  60/100 finished (55 SUCCEEDED, 5 FAILED), 0 running",
                "   +0.795s  70/100 finished (65 SUCCEEDED, 5 FAILED), 0 running",
                "   +0.895s  80/100 finished (75 SUCCEEDED, 5 FAILED), 0 running",
                "   +0.995s  90/100 finished (85 SUCCEEDED, 5 FAILED), 0 running",
                "   +1.095s  100/100 finished (95 SUCCEEDED, 5 FAILED), 0 running",
                "   +2.000s  completed");
    }

    @Test
    void a_narrow_job_or_all_prints_every_event() {
        assertThat(printed(Listing.defaults(), 3, List.of(1))).containsExactly(
                "   +0.020s  dispatched: 100 branches",
                "   +0.100s  b0             started on worker-1",
                "   +0.105s  b0             SUCCEEDED",
                "   +0.110s  b1             started on worker-1",
                "   +0.115s  b1             FAILED",
                "   +0.120s  b2             started on worker-1",
                "   +0.125s  b2             SUCCEEDED",
                "   +2.000s  completed");
        assertThat(printed(new Listing(Listing.DEFAULT_LIMIT, true), 100, List.of())).hasSize(202);
    }

    @Test
    void an_event_before_the_submission_by_the_clients_clock_prints_a_negative_offset() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new ProgressPrinter(new PrintStream(buffer, true, StandardCharsets.UTF_8), SUBMITTED)
                .print(event(JobEventType.BRANCH_STARTED, "b0", null, -1_250));

        assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("   -1.250s  b0             started on worker-1"
                + System.lineSeparator());
    }
}
