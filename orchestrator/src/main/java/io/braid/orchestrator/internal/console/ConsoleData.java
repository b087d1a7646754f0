package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.orchestrator.TaskBacklog;
import io.braid.orchestrator.internal.aggregate.JoinQueries;
import io.braid.orchestrator.internal.status.PeerClient;
import io.braid.schema.JobJoinState;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the console's data endpoints answer: the index's jobs, dead letters and fleet, and a branch's detail from
 * the aggregator's state — asked of the instance that holds the job, as {@code GET /jobs/{id}} does.
 */
final class ConsoleData {

    /** The query a request forwarded to the instance holding its job carries. */
    static final String FORWARDED = "from=forwarded";

    /** An HTTP answer: status and JSON body (or the output's text). */
    record Answer(int status, String body) {
    }

    /** The rows a list answers when the page does not say. */
    static final int DEFAULT_ROWS = 200;

    private final ConsoleSettings settings;
    private final JobIndex jobs;
    private final DeadLetterLog deadLetters;
    private final FleetStats fleet;
    private final WorkerStatuses workers;
    private final JoinQueries join;
    private final TaskBacklog backlog;
    private final Supplier<List<String>> instances;
    private final Clock clock;
    private final PeerClient peers;

    ConsoleData(ConsoleSettings settings, JobIndex jobs, DeadLetterLog deadLetters, FleetStats fleet,
                JoinQueries join, TaskBacklog backlog, Supplier<List<String>> instances, Clock clock,
                WorkerStatuses workers) {
        this.settings = settings;
        this.jobs = jobs;
        this.deadLetters = deadLetters;
        this.fleet = fleet;
        this.join = join;
        this.backlog = backlog;
        this.instances = instances;
        this.clock = clock;
        this.workers = workers;
        this.peers = new PeerClient(settings.forwardTimeout(), settings.maxForwardBytes());
    }

    JobIndex jobs() {
        return jobs;
    }

    ArrayNode jobs(Map<String, String> query) {
        String status = query.get("status");
        if (status != null && !status.matches("[A-Za-z_]{1,20}")) {
            throw new IllegalArgumentException("status '" + status + "' is not a status (RUNNING, SUCCEEDED, PARTIAL, "
                    + "FAILED, CANCELLED)");
        }
        return jobs.list(status, query.get("tenant"), since(query), query.get("q"), limit(query));
    }

    ArrayNode deadLetters(Map<String, String> query) {
        return deadLetters.list(since(query), query.get("error"), query.get("job"), limit(query));
    }

    Optional<ObjectNode> timeline(String jobId) {
        return jobs.timeline(jobId);
    }

    ObjectNode fleet() {
        ObjectNode node = fleet.json();
        TaskBacklog.Measurement now = backlog == null ? null : backlog.latest();
        if (now != null) {
            node.putObject("backlog").put("total", now.total()).put("measuredAt", now.measuredAt().toString());
        }
        ArrayNode hosts = node.putArray("orchestrators");
        instances.get().forEach(hosts::add);
        node.put("jobsIndexed", jobs.size()).put("maxJobs", settings.maxJobs()).put("recordsSkipped", jobs.skipped());
        ArrayNode live = workers.json(settings.maxRows());
        node.set("live", live);
        node.put("liveWorkers", workers.size());
        if (live.isEmpty()) {
            node.put("liveNote", "No worker publishes its status (workers older than this console, or started with "
                    + "--status-interval 0s): their in-flight counts and rate-limit state are on each worker's "
                    + "/metrics");
        }
        return node;
    }

    /**
     * A branch's detail (or its whole output), from the instance holding the job. A request already {@code forwarded}
     * is answered here or not at all: when this instance does not hold the job either (the instances' views differ
     * while the aggregator rebalances, or the marker was forged), 503 rather than forwarding again.
     */
    Answer branch(String jobId, String branchId, boolean wholeOutput, boolean forwarded, String authorization,
                  String rawPath) {
        JoinQueries.Owner owner = join.owner(jobId);
        if (owner instanceof JoinQueries.Owner.Unknown) {
            return new Answer(503, ConsoleServer.error("the aggregator is rebalancing or restoring; ask again "
                    + "shortly"));
        }
        if (owner instanceof JoinQueries.Owner.Elsewhere there && !forwarded) {
            String peer = there.host() + ":" + there.port();
            PeerClient.Answer answer = peers.send(HttpRequest.newBuilder(URI.create("http://" + peer + rawPath + "?"
                    + FORWARDED)), peer, authorization);
            return new Answer(answer.status(), answer.body());
        }
        if (owner instanceof JoinQueries.Owner.Elsewhere there) {
            return new Answer(503, ConsoleServer.error("this request came forwarded (from=forwarded) but this "
                    + "orchestrator does not hold job '" + jobId + "' either (its partition is on " + there.host()
                    + ":" + there.port() + "); the instances disagree while the aggregator rebalances: ask again "
                    + "shortly, without from=forwarded"));
        }
        Optional<JobJoinState> state;
        try {
            state = join.state(jobId);
        } catch (JoinQueries.NotReady e) {
            return new Answer(503, ConsoleServer.error(e.getMessage() + "; ask again shortly"));
        }
        if (state.isEmpty()) {
            return new Answer(404, ConsoleServer.error("the aggregator holds no job '" + jobId + "' (finished longer "
                    + "ago than --finished-job-retention, or never dispatched): its prompts and outputs are gone "
                    + "from the console; its result stays on the job-results topic (braid result)"));
        }
        if (wholeOutput) {
            return BranchDetail.fullOutput(state.get(), branchId).map(text -> new Answer(200, text))
                    .orElseGet(() -> new Answer(404, ConsoleServer.error("branch '" + branchId + "' has no output")));
        }
        return BranchDetail.of(state.get(), branchId, settings.maxOutputChars())
                .map(detail -> new Answer(200, detail.toString()))
                .orElseGet(() -> new Answer(404, ConsoleServer.error(
                        branchId.equals(io.braid.orchestrator.internal.aggregate.FinalAggregation.BRANCH_ID)
                        ? "this is the job's final aggregation step: its prompt is the job's aggregation prompt over "
                        + "the branches' outputs, and its answer is the job's output (see the result)"
                        : "job '" + jobId + "' has no branch '" + branchId + "'")));
    }

    private Instant since(Map<String, String> query) {
        String minutes = query.get("sinceMinutes");
        if (minutes == null) {
            return null;
        }
        if (!minutes.matches("\\d{1,5}") || Integer.parseInt(minutes) < 1 || Integer.parseInt(minutes) > 10_080) {
            throw new IllegalArgumentException("sinceMinutes '" + minutes + "' must be a whole number of minutes from "
                    + "1 to 10080 (a week)");
        }
        return clock.instant().minus(Duration.ofMinutes(Integer.parseInt(minutes)));
    }

    /** The rows asked for: at most {@code --console-max-rows}, {@link #DEFAULT_ROWS} (or fewer) when not asked. */
    private int limit(Map<String, String> query) {
        String limit = query.get("limit");
        if (limit == null) {
            return Math.min(DEFAULT_ROWS, settings.maxRows());
        }
        if (!limit.matches("\\d{1,6}") || Integer.parseInt(limit) < 1) {
            throw new IllegalArgumentException("limit '" + limit + "' must be a whole number from 1 to "
                    + settings.maxRows() + " (--console-max-rows)");
        }
        return Math.min(Integer.parseInt(limit), settings.maxRows());
    }
}
