package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.BranchOutcome;
import io.braid.schema.JobEvent;
import io.braid.schema.JobResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The fleet as the events and job-results topics show it: per worker the branches it runs now, finished and
 * failed, and retries; per model the branches finished, failed and retried for a rate limit (429); and a sample
 * every {@link #SAMPLE_EVERY} over the last {@link #SAMPLES} (backlog, running, finished and failed in the
 * interval) for the page's charts. Only what the topics say: a worker that never ran a branch is not seen.
 */
final class FleetStats {

    static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    /** Ten minutes of samples. */
    static final int SAMPLES = 120;

    private static final class Worker {
        final Set<String> running = new HashSet<>();
        long finished;
        long failed;
        long retries;
        Instant lastSeen;
    }

    private static final class Model {
        long finished;
        long failed;
        long rateLimited;
    }

    private final Clock clock;
    private final Map<String, Worker> workers = new TreeMap<>();
    private final Map<String, Model> models = new TreeMap<>();
    private final ArrayDeque<ObjectNode> samples = new ArrayDeque<>();
    private long finishedSinceSample;
    private long failedSinceSample;
    private Instant lastSample;

    FleetStats(Clock clock) {
        this.clock = clock;
    }

    synchronized void event(JobEvent event) {
        if (event.getWorkerId() == null || event.getBranchId() == null) {
            return;
        }
        Worker worker = workers.computeIfAbsent(Cut.name(event.getWorkerId()), w -> new Worker());
        worker.lastSeen = event.getAt();
        String key = event.getJobId() + "\u0000" + event.getBranchId();
        switch (event.getType()) {
            case BRANCH_STARTED -> worker.running.add(key);
            case BRANCH_RETRYING -> worker.retries++;
            case BRANCH_FINISHED -> {
                worker.running.remove(key);
                worker.finished++;
                finishedSinceSample++;
                if (event.getBranchStatus() != io.braid.schema.BranchStatus.SUCCEEDED) {
                    worker.failed++;
                    failedSinceSample++;
                }
            }
            default -> {
            }
        }
    }

    synchronized void result(JobResult result) {
        for (BranchOutcome outcome : result.getBranches()) {
            workers.values().forEach(w -> w.running.remove(result.getJobId() + "\u0000" + outcome.getBranchId()));
            if (outcome.getModel() == null) {
                continue;
            }
            Model model = models.computeIfAbsent(Cut.name(outcome.getModel()), m -> new Model());
            model.finished++;
            if (outcome.getStatus() != io.braid.schema.BranchStatus.SUCCEEDED) {
                model.failed++;
                String error = outcome.getError() == null ? "" : outcome.getError().getErrorClass() + " "
                        + outcome.getError().getMessage();
                if (error.toLowerCase(Locale.ROOT).contains("429") || error.contains("RateLimit")) {
                    model.rateLimited++;
                }
            }
        }
    }

    /** Takes a sample when one is due; {@code backlog} is the share group's backlog (-1: not measured). */
    synchronized void sample(LongSupplier backlog) {
        Instant now = clock.instant();
        if (lastSample != null && Duration.between(lastSample, now).compareTo(SAMPLE_EVERY) < 0) {
            return;
        }
        lastSample = now;
        samples.addLast(JobEntry.JSON.createObjectNode().put("at", now.toString())
                .put("backlog", backlog.getAsLong())
                .put("running", workers.values().stream().mapToInt(w -> w.running.size()).sum())
                .put("finished", finishedSinceSample).put("failed", failedSinceSample));
        finishedSinceSample = 0;
        failedSinceSample = 0;
        while (samples.size() > SAMPLES) {
            samples.removeFirst();
        }
    }

    synchronized ObjectNode json() {
        ObjectNode fleet = JobEntry.JSON.createObjectNode();
        ArrayNode workerRows = fleet.putArray("workers");
        workers.forEach((id, w) -> workerRows.addObject().put("workerId", id).put("running", w.running.size())
                .put("finished", w.finished).put("failed", w.failed).put("retries", w.retries)
                .put("lastSeen", JobEntry.text(w.lastSeen)));
        ArrayNode modelRows = fleet.putArray("models");
        models.forEach((name, m) -> modelRows.addObject().put("model", name).put("finished", m.finished)
                .put("failed", m.failed).put("rateLimited", m.rateLimited));
        ArrayNode series = fleet.putArray("samples");
        samples.forEach(series::add);
        fleet.put("sampleEverySeconds", SAMPLE_EVERY.toSeconds());
        return fleet;
    }
}
