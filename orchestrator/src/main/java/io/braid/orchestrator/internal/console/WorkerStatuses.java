package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.schema.ModelFlowState;
import io.braid.schema.WorkerStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workers' live state as their heartbeats on the workers topic say ({@code WorkerStatus}): in flight of their
 * maximum, state, branches finished and failed, and each model's rate-limit state. A record is data from anyone who
 * may write the topic, so it is checked where it enters: names cut at {@code --console-max-name-chars}, counts clamped
 * to {@code 0..}{@link #MAX_COUNT}, rates that are not finite numbers dropped, at most {@link #MAX_MODELS} models
 * (fewer when {@code --console-max-models} is lower) per worker kept (the rest counted in {@code modelsDropped}) and
 * at most {@code --console-max-workers} workers (the least recently heard dropped). A worker unheard for {@value #FORGET_AFTER_INTERVALS} of its status intervals (the interval
 * taken as at most {@link #MAX_INTERVAL}), and at least {@link #MIN_FORGET_AFTER}, is forgotten. Heard means the
 * record's time, never later than now on this console's clock.
 */
final class WorkerStatuses {

    /** The most models kept per worker. */
    static final int MAX_MODELS = 50;
    /** The largest count or duration (ms) kept; larger ones are shown as this. */
    static final long MAX_COUNT = 1_000_000_000_000L;
    /** The least time a worker is kept unheard. */
    static final Duration MIN_FORGET_AFTER = Duration.ofSeconds(15);
    /** The longest status interval believed (the worker's own maximum). */
    static final Duration MAX_INTERVAL = Duration.ofMinutes(5);
    /** How many status intervals a worker may stay unheard before it is forgotten. */
    static final int FORGET_AFTER_INTERVALS = 3;

    private record Heard(ObjectNode row, Instant at, Duration forgetAfter) {
    }

    private final Clock clock;
    private final Cut cut;
    private final int maxWorkers;
    private final int maxModels;
    private final Map<String, Heard> workers = new TreeMap<>();

    WorkerStatuses(Clock clock, ConsoleSettings settings) {
        this.clock = clock;
        this.cut = new Cut(settings.maxNameChars());
        this.maxWorkers = settings.maxWorkers();
        this.maxModels = Math.min(MAX_MODELS, settings.maxModels());
    }

    /** Keeps {@code status}, sent at {@code at} (the record's time), as its worker's latest. */
    synchronized void add(WorkerStatus status, Instant at) {
        Instant now = clock.instant();
        Instant heard = at.isAfter(now) ? now : at;
        Duration interval = Duration.ofMillis(clamp(status.getIntervalMs()));
        interval = interval.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : interval;
        Duration forgetAfter = interval.multipliedBy(FORGET_AFTER_INTERVALS);
        forgetAfter = forgetAfter.compareTo(MIN_FORGET_AFTER) < 0 ? MIN_FORGET_AFTER : forgetAfter;
        if (heard.plus(forgetAfter).isBefore(now)) {
            return; // an old heartbeat read back from the topic
        }
        String workerId = cut.name(status.getWorkerId());
        Heard before = workers.get(workerId);
        if (before != null && before.at().isAfter(heard)) {
            return;
        }
        workers.put(workerId, new Heard(row(workerId, status, heard), heard, forgetAfter));
        forget(now);
    }

    private ObjectNode row(String workerId, WorkerStatus status, Instant heard) {
        ObjectNode row = JobEntry.JSON.createObjectNode().put("workerId", workerId)
                .put("host", cut.name(status.getHost())).put("state", status.getState().name())
                .put("inFlight", clamp(status.getInFlight())).put("maxInFlight", clamp(status.getMaxInFlight()))
                .put("finished", clamp(status.getBranchesFinished())).put("failed", clamp(status.getBranchesFailed()))
                .put("startedAt", JobEntry.text(status.getStartedAt())).put("sentAt", JobEntry.text(status.getSentAt()))
                .put("lastSeen", heard.toString());
        ArrayNode models = row.putArray("models");
        for (ModelFlowState model : status.getModels()) {
            if (models.size() == maxModels) {
                break;
            }
            models.addObject().put("model", cut.name(model.getModel()))
                    .put("requestsPerMinute", finite(model.getAllowedRequestsPerMinute()))
                    .put("tokensPerMinute", finite(model.getAllowedTokensPerMinute()))
                    .put("factor", finite(model.getFactor())).put("waitingCalls", clamp(model.getWaitingCalls()))
                    .put("backlogMs", clamp(model.getBacklogMs())).put("inFlightCalls", clamp(model.getInFlightCalls()))
                    .put("rateLimited", clamp(model.getRateLimited()))
                    .put("coolingUntil", JobEntry.text(model.getCoolingUntil()));
        }
        row.put("modelsDropped", status.getModels().size() - models.size());
        return row;
    }

    /** Forgets workers unheard for their time, then the least recently heard past the most kept. */
    private void forget(Instant now) {
        workers.values().removeIf(heard -> heard.at().plus(heard.forgetAfter()).isBefore(now));
        while (workers.size() > maxWorkers) {
            workers.entrySet().stream().min(Comparator.comparing(e -> e.getValue().at()))
                    .ifPresent(e -> workers.remove(e.getKey()));
        }
    }

    synchronized int size() {
        forget(clock.instant());
        return workers.size();
    }

    /**
     * The workers heard lately, by id, each with its models: at most {@code maxRows} workers and {@code maxRows}
     * model rows in all (a worker past that shows none, its models counted in {@code modelsDropped}), so what the
     * page asks for is bounded by {@code --console-max-rows}, not by what the topic holds.
     */
    synchronized ArrayNode json(int maxRows) {
        forget(clock.instant());
        ArrayNode rows = JobEntry.JSON.createArrayNode();
        int modelRows = 0;
        for (Heard heard : workers.values()) {
            if (rows.size() == maxRows) {
                break;
            }
            ObjectNode row = heard.row().deepCopy();
            ArrayNode models = (ArrayNode) row.get("models");
            while (models.size() > Math.max(0, maxRows - modelRows)) {
                models.remove(models.size() - 1);
                row.put("modelsDropped", row.get("modelsDropped").asInt() + 1);
            }
            modelRows += models.size();
            rows.add(row);
        }
        return rows;
    }

    private static long clamp(long value) {
        return Math.max(0, Math.min(MAX_COUNT, value));
    }

    /** A rate or factor fit to show: null when absent, not a finite number, negative or absurd. */
    private static Double finite(Double value) {
        return value == null || !Double.isFinite(value) || value < 0 || value > MAX_COUNT ? null : value;
    }
}
