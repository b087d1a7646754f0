package io.braid.cli.view;

import io.braid.schema.BranchStatus;
import io.braid.schema.JobEvent;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Prints a job's progress events as they arrive, each with its time since the job was submitted. A job wider than
 * its {@link Listing} allows gets a line each time another tenth of its branches finished instead of a line per
 * event, plus its first {@value #NOTABLE_SHOWN} retries and failures.
 */
public final class ProgressPrinter {

    /** Retries and failures of a summarised job printed one by one before they are only counted. */
    static final int NOTABLE_SHOWN = 3;
    private static final int STEPS = 10;

    private final PrintStream out;
    private final Instant submittedAt;
    private final int branches;
    private final boolean summarised;
    private final Set<String> running = new HashSet<>();
    private final Map<String, BranchStatus> finished = new HashMap<>();
    private int notable;
    private int step;

    /** A printer of every event. */
    public ProgressPrinter(PrintStream out, Instant submittedAt) {
        this(out, submittedAt, 0, new Listing(Integer.MAX_VALUE, true));
    }

    /** A printer for a job of {@code branches} branches, summarising when {@code listing} says so. */
    public ProgressPrinter(PrintStream out, Instant submittedAt, int branches, Listing listing) {
        this.out = out;
        this.submittedAt = submittedAt;
        this.branches = branches;
        this.summarised = listing.summarises(branches);
    }

    public synchronized void print(JobEvent event) {
        if (event.getType() == io.braid.schema.JobEventType.BRANCH_OUTPUT) {
            return; // a streaming model's partial output: the web console shows it, the terminal waits for the result
        }
        if (summarised) {
            summarise(event);
        } else {
            line(event.getAt(), describe(event));
        }
    }

    private void summarise(JobEvent event) {
        String branchId = event.getBranchId();
        switch (event.getType()) {
            case BRANCH_STARTED -> {
                if (finished.isEmpty() && running.isEmpty()) {
                    line(event.getAt(), "first branch started (" + branchId + " on " + event.getWorkerId() + ")");
                }
                if (!finished.containsKey(branchId)) {
                    running.add(branchId);
                }
            }
            case BRANCH_RETRYING -> notable(event);
            case BRANCH_FINISHED -> {
                running.remove(branchId);
                if (finished.putIfAbsent(branchId, event.getBranchStatus()) == null) {
                    if (event.getBranchStatus() != BranchStatus.SUCCEEDED) {
                        notable(event);
                    }
                    stepDone(event.getAt());
                }
            }
            default -> line(event.getAt(), describe(event));
        }
    }

    /** A retry or failure: printed while few, then only counted in the progress lines. */
    private void notable(JobEvent event) {
        notable++;
        if (notable <= NOTABLE_SHOWN) {
            line(event.getAt(), describe(event));
        } else if (notable == NOTABLE_SHOWN + 1) {
            line(event.getAt(), "(more retries and failures: counted below, not listed)");
        }
    }

    /** A line when another tenth of the branches finished. */
    private void stepDone(Instant at) {
        int reached = (int) ((long) finished.size() * STEPS / Math.max(1, branches));
        if (reached <= step) {
            return;
        }
        step = reached;
        Map<BranchStatus, Long> counts = new EnumMap<>(BranchStatus.class);
        finished.values().forEach(status -> counts.merge(status, 1L, Long::sum));
        line(at, String.format("%d/%d finished (%s), %d running", finished.size(), branches,
                counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")),
                running.size()));
    }

    private static String describe(JobEvent event) {
        return switch (event.getType()) {
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
            case BRANCH_OUTPUT -> String.format("%-14s output: %s", event.getBranchId(), event.getMessage());
        };
    }

    private void line(Instant at, String what) {
        out.printf("  %8s  %s%n", offset(at), what);
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
        Duration length = since.abs();
        return String.format("%s%d.%03ds", since.isNegative() ? "-" : "+", length.toSeconds(), length.toMillisPart());
    }
}
