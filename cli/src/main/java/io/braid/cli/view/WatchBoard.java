package io.braid.cli.view;

import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code braid watch}'s live view: one line per branch with a timeline from the job's submission to now on which
 * the span the branch ran is drawn, how long it ran, and its state (pending, running on a worker, retrying, or
 * its final status). On a terminal the lines are redrawn in place; otherwise a line is printed whenever a branch
 * changes. A job wider than its {@link Listing} allows is summarised: on a terminal, counts by state and a
 * histogram of the branches running and finishing; otherwise a line each time another tenth of the branches
 * finished, and the first few retries and failures.
 */
public final class WatchBoard {

    private static final int BAR = 24;
    private static final int HISTOGRAM = 50;
    private static final int STEPS = 10;

    private static final class Branch {
        String state = "pending";
        String worker = "";
        Instant startedAt;
        Instant finishedAt;
        boolean done;
        long tokens;
        Double cost;
    }

    private final PrintStream out;
    private final boolean redraw;
    private final Clock clock;
    private final String jobId;
    private final Instant submittedAt;
    private final Map<String, Branch> branches = new LinkedHashMap<>();
    private final boolean summarised;
    private int drawnLines;
    private int step;
    private int notable;

    /** The branches in the job's order, as the status endpoint listed them with their current state. */
    public WatchBoard(PrintStream out, boolean redraw, Clock clock, String jobId, Instant submittedAt,
                      Map<String, String> branchStates) {
        this(out, redraw, clock, jobId, submittedAt, branchStates, Listing.defaults());
    }

    /** As above, summarising a job wider than {@code listing} allows. */
    public WatchBoard(PrintStream out, boolean redraw, Clock clock, String jobId, Instant submittedAt,
                      Map<String, String> branchStates, Listing listing) {
        this.out = out;
        this.summarised = listing.summarises(branchStates.size());
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
                if (event.getUsage() != null) { // the branch's last finish counts: a redelivered one is not added
                    branch.tokens = (long) event.getUsage().getInputTokens() + event.getUsage().getOutputTokens();
                }
                branch.cost = event.getCost() != null ? event.getCost() : branch.cost;
                branch.done = true;
            }
            default -> {
                return;
            }
        }
        String after = line(event.getBranchId(), branch);
        if (!redraw && summarised) {
            printSummaryStep(event, branch);
        } else if (!redraw && !after.equals(before)) {
            out.println(after);
        }
        draw();
    }

    /** Without a terminal, a summarised job's progress: each tenth finished, and its first retries and failures. */
    private void printSummaryStep(JobEvent event, Branch branch) {
        boolean failure = event.getType() == JobEventType.BRANCH_FINISHED
                && !"SUCCEEDED".equals(branch.state);
        if (failure || event.getType() == JobEventType.BRANCH_RETRYING) {
            notable++;
            if (notable <= ProgressPrinter.NOTABLE_SHOWN) {
                out.println(line(event.getBranchId(), branch));
            }
        }
        long finished = branches.values().stream().filter(b -> b.done).count();
        int reached = (int) (finished * STEPS / Math.max(1, branches.size()));
        if (reached > step) {
            step = reached;
            out.println(header() + "; " + states());
        }
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
        lines.add(header());
        if (summarised) {
            lines.addAll(summaryLines());
        } else {
            branches.forEach((id, branch) -> lines.add(line(id, branch)));
        }
        for (String line : lines) {
            frame.append("\u001b[2K").append(line).append('\n');
        }
        drawnLines = lines.size();
        out.print(frame);
        out.flush();
    }

    private String header() {
        long finished = branches.values().stream().filter(b -> b.done).count();
        return String.format("Job %s: %d/%d branches finished, %s since submission%s", jobId, finished,
                branches.size(), seconds(Duration.between(submittedAt, clock.instant())), spent());
    }

    /** ", 1,234 tokens, cost 0.0420": what the finished branches reported, summed; empty before any did. */
    private String spent() {
        long tokens = branches.values().stream().mapToLong(b -> b.tokens).sum();
        List<Double> costs = branches.values().stream().map(b -> b.cost).filter(java.util.Objects::nonNull).toList();
        if (tokens == 0 && costs.isEmpty()) {
            return "";
        }
        return String.format(", %,d tokens", tokens) + (costs.isEmpty() ? ""
                : String.format(", cost %.4f", costs.stream().mapToDouble(Double::doubleValue).sum()));
    }

    /** How many branches are in each state, waiting ones first: "400 pending, 200 running, 398 SUCCEEDED". */
    private String states() {
        Map<String, Long> counts = new TreeMap<>(Comparator.comparingInt(WatchBoard::stateOrder)
                .thenComparing(Comparator.naturalOrder()));
        branches.values().forEach(b -> counts.merge(b.state.startsWith("running") ? "running"
                : b.state.startsWith("retrying") ? "retrying" : b.state, 1L, Long::sum));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    private static int stateOrder(String state) {
        int order = STATE_ORDER.indexOf(state);
        return order < 0 ? STATE_ORDER.size() : order;
    }

    private static final List<String> STATE_ORDER = List.of("pending", "running", "retrying", "SUCCEEDED", "FAILED",
            "CANCELLED", "TIMED_OUT", "MISSING");

    /** A summarised job on a terminal: its states and a histogram of the branches running and finishing. */
    private List<String> summaryLines() {
        Instant now = clock.instant();
        long total = Math.max(1, Duration.between(submittedAt, now).toMillis());
        List<long[]> spans = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (Branch branch : branches.values()) {
            if (branch.startedAt != null) {
                Instant end = branch.finishedAt != null ? branch.finishedAt : now;
                spans.add(new long[] {offset(branch.startedAt), offset(end)});
            }
            if (branch.finishedAt != null) {
                ends.add(offset(branch.finishedAt));
            }
        }
        int[] running = Timeline.running(spans, total, HISTOGRAM);
        int[] finished = Timeline.counts(ends, total, HISTOGRAM);
        return List.of("  " + states() + " (a summary; --all lists every branch)",
                String.format("  running  |%s|  at most %d at once", Timeline.sparkline(running),
                        Timeline.max(running)),
                String.format("  finished |%s|  at most %d in %d ms", Timeline.sparkline(finished),
                        Timeline.max(finished), total / HISTOGRAM));
    }

    private long offset(Instant at) {
        return Duration.between(submittedAt, at).toMillis();
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
        return Timeline.cell(offset(at), spanMillis, BAR);
    }

    private static String seconds(Duration duration) {
        return String.format("%d.%ds", duration.toSeconds(), duration.toMillisPart() / 100);
    }
}
