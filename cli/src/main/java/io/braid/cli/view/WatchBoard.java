package io.braid.cli.view;

import io.braid.schema.JobEvent;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code braid watch}'s live view: one line per branch with a timeline from the job's submission to now on which
 * the span the branch ran is drawn, how long it ran, and its state (pending, running on a worker, retrying, or
 * its final status). On a terminal the lines are redrawn in place; otherwise a line is printed whenever a branch
 * changes.
 */
public final class WatchBoard {

    private static final int BAR = 24;

    private static final class Branch {
        String state = "pending";
        String worker = "";
        Instant startedAt;
        Instant finishedAt;
        boolean done;
    }

    private final PrintStream out;
    private final boolean redraw;
    private final Clock clock;
    private final String jobId;
    private final Instant submittedAt;
    private final Map<String, Branch> branches = new LinkedHashMap<>();
    private int drawnLines;

    /** The branches in the job's order, as the status endpoint listed them with their current state. */
    public WatchBoard(PrintStream out, boolean redraw, Clock clock, String jobId, Instant submittedAt,
                      Map<String, String> branchStates) {
        this.out = out;
        this.redraw = redraw;
        this.clock = clock;
        this.jobId = jobId;
        this.submittedAt = submittedAt;
        branchStates.forEach((branchId, state) -> {
            Branch branch = new Branch();
            if (!"PENDING".equals(state)) {
                branch.state = state;
                branch.done = true;
            }
            branches.put(branchId, branch);
        });
    }

    public synchronized void apply(JobEvent event) {
        if (event.getBranchId() == null) {
            return;
        }
        Branch branch = branches.computeIfAbsent(event.getBranchId(), id -> new Branch());
        String before = line(event.getBranchId(), branch);
        switch (event.getType()) {
            case BRANCH_STARTED -> {
                if (branch.startedAt == null) {
                    branch.startedAt = event.getAt();
                }
                branch.worker = event.getWorkerId() == null ? "" : event.getWorkerId();
                if (!branch.done) {
                    branch.state = event.getAttempt() > 1 ? "running, attempt " + event.getAttempt() : "running";
                }
            }
            case BRANCH_RETRYING -> {
                if (!branch.done) {
                    branch.state = "retrying after attempt " + event.getAttempt();
                }
            }
            case BRANCH_FINISHED -> {
                if (branch.startedAt == null) {
                    // a quick branch publishes no start event; its finish says when it started
                    branch.startedAt = event.getStartedAt();
                }
                if (branch.worker.isEmpty() && event.getWorkerId() != null) {
                    branch.worker = event.getWorkerId();
                }
                branch.finishedAt = event.getAt();
                branch.state = String.valueOf(event.getBranchStatus());
                branch.done = true;
            }
            default -> {
                return;
            }
        }
        String after = line(event.getBranchId(), branch);
        if (!redraw && !after.equals(before)) {
            out.println(after);
        }
        draw();
    }

    /** Redraws the board (on a terminal), e.g. every quarter second so running bars grow. */
    public synchronized void draw() {
        if (!redraw) {
            return;
        }
        StringBuilder frame = new StringBuilder();
        if (drawnLines > 0) {
            frame.append("\u001b[").append(drawnLines).append('F');
        }
        List<String> lines = new ArrayList<>();
        long finished = branches.values().stream().filter(b -> b.done).count();
        lines.add(String.format("Job %s: %d/%d branches finished, %s since submission", jobId, finished,
                branches.size(), seconds(Duration.between(submittedAt, clock.instant()))));
        branches.forEach((id, branch) -> lines.add(line(id, branch)));
        for (String line : lines) {
            frame.append("\u001b[2K").append(line).append('\n');
        }
        drawnLines = lines.size();
        out.print(frame);
        out.flush();
    }

    /** A branch's line: a timeline from submission to now (or its end) with the span it ran, and its state. */
    private String line(String branchId, Branch branch) {
        Instant end = clock.instant();
        long span = Math.max(1, Duration.between(submittedAt, end).toMillis());
        char[] cells = "░".repeat(BAR).toCharArray();
        String ran = "";
        if (branch.startedAt != null) {
            Instant finished = branch.finishedAt != null ? branch.finishedAt : end;
            int from = cell(branch.startedAt, span);
            int to = Math.max(from + 1, cell(finished, span));
            for (int i = from; i < Math.min(BAR, to); i++) {
                cells[i] = '█';
            }
            ran = seconds(Duration.between(branch.startedAt, finished));
        }
        return String.format("  %-16s |%s| %7s  %-26s %s", branchId, new String(cells), ran, branch.state,
                branch.worker);
    }

    private int cell(Instant at, long spanMillis) {
        long offset = Math.max(0, Duration.between(submittedAt, at).toMillis());
        return (int) Math.min(BAR - 1, offset * BAR / spanMillis);
    }

    private static String seconds(Duration duration) {
        return String.format("%d.%ds", duration.toSeconds(), duration.toMillisPart() / 100);
    }
}
