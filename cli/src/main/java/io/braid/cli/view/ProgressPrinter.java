package io.braid.cli.view;

import io.braid.schema.JobEvent;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** Prints a job's progress events as they arrive, each with its time since the job was submitted. */
public final class ProgressPrinter {

    private final PrintStream out;
    private final Instant submittedAt;

    public ProgressPrinter(PrintStream out, Instant submittedAt) {
        this.out = out;
        this.submittedAt = submittedAt;
    }

    public void print(JobEvent event) {
        String what = switch (event.getType()) {
            case JOB_DISPATCHED -> "dispatched: " + event.getMessage();
            case BRANCH_STARTED -> String.format("%-14s started%s on %s", event.getBranchId(),
                    event.getAttempt() > 1 ? " (attempt " + event.getAttempt() + ")" : "", event.getWorkerId());
            case BRANCH_RETRYING -> String.format("%-14s attempt %d failed, retrying: %s", event.getBranchId(),
                    event.getAttempt(), event.getMessage());
            case BRANCH_FINISHED -> String.format("%-14s %s%s", event.getBranchId(), event.getBranchStatus(),
                    ranFor(event));
            case JOB_COMPLETED -> "completed";
            case JOB_REPLAYED -> "replay: " + event.getMessage();
            case REPLAY_REJECTED -> "replay refused: " + event.getMessage();
        };
        out.printf("  %8s  %s%n", offset(event.getAt()), what);
        out.flush();
    }

    /** How long the finishing attempt ran and where, when the event says (a quick branch has no start event). */
    private static String ranFor(JobEvent event) {
        if (event.getStartedAt() == null) {
            return "";
        }
        return String.format(" (ran %d ms on %s)", Duration.between(event.getStartedAt(), event.getAt()).toMillis(),
                event.getWorkerId());
    }

    private String offset(Instant at) {
        Duration since = Duration.between(submittedAt, at);
        return String.format("+%d.%03ds", since.toSeconds(), since.toMillisPart());
    }
}
