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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Bounded: a worker unseen for {@code forgetAfter} (the console's history, at least {@link #MIN_FORGET_AFTER}) is
 * forgotten with the branches it was running, and so is a branch running longer than that (its result never came);
 * at most {@code --console-max-workers} workers (the least recently seen dropped) and {@code --console-max-models}
 * models (more counted under {@link #OTHER_MODELS}) are kept.
 */
final class FleetStats {

    static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    /** Ten minutes of samples. */
    static final int SAMPLES = 120;
    /** The least time a worker is kept unseen: the span of the charts' samples, so a chart's workers stay listed. */
    static final Duration MIN_FORGET_AFTER = SAMPLE_EVERY.multipliedBy(SAMPLES);
    static final String OTHER_MODELS = "(other models)";

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
    private final Duration forgetAfter;
    /** The most workers kept (worker ids are new per process: a row per restart otherwise). */
    private final int maxWorkers;
    /** The most models kept by name; the rest are counted under {@link #OTHER_MODELS}. */
    private final int maxModels;
    private final Cut cut;
    private final Map<String, Worker> workers = new TreeMap<>();
    /** Each running branch (job id, NUL, branch id): the worker running it and since when. */
    private final Map<String, Running> running = new LinkedHashMap<>();
    /** The most running branches kept ({@code --console-max-kept-branches}); the longest running dropped past it. */
    private final int maxRunning;
    private final Map<String, Model> models = new TreeMap<>();
    private final ArrayDeque<ObjectNode> samples = new ArrayDeque<>();
    private long finishedSinceSample;
    private long failedSinceSample;
    private Instant lastSample;

    private record Running(String workerId, Instant since) {
    }

    /**
     * Forgets workers unseen, and branches running, for the console's history (at least {@link #MIN_FORGET_AFTER});
     * keeps the settings' most workers and models.
     */
    FleetStats(Clock clock, io.braid.orchestrator.ConsoleSettings settings) {
        this.clock = clock;
        Duration history = settings.history();
        this.forgetAfter = history.compareTo(MIN_FORGET_AFTER) < 0 ? MIN_FORGET_AFTER : history;
        this.maxWorkers = settings.maxWorkers();
        this.maxModels = settings.maxModels();
        this.maxRunning = settings.maxKeptBranches();
        this.cut = new Cut(settings.maxNameChars());
    }

    synchronized void event(JobEvent event) {
        if (event.getWorkerId() == null || event.getBranchId() == null) {
            return;
        }
        String workerId = cut.name(event.getWorkerId());
        Worker worker = workers.computeIfAbsent(workerId, w -> new Worker());
        Instant now = clock.instant();
        worker.lastSeen = event.getAt().isAfter(now) ? now : event.getAt(); // a record's clock is not trusted ahead
        String key = event.getJobId() + "\u0000" + event.getBranchId();
        switch (event.getType()) {
            case BRANCH_STARTED -> {
                stopped(key);
                running.put(key, new Running(workerId, now));
                worker.running.add(key);
                if (running.size() > maxRunning) {
                    stopped(running.keySet().iterator().next());
                }
            }
            case BRANCH_RETRYING -> worker.retries++;
            case BRANCH_FINISHED -> {
                stopped(key);
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
        if (workers.size() > maxWorkers) {
            forget();
        }
    }

    /** The branch is no longer running (on whichever worker ran it). */
    private void stopped(String key) {
        Running was = running.remove(key);
        Worker worker = was == null ? null : workers.get(was.workerId());
        if (worker != null) {
            worker.running.remove(key);
        }
    }

    /** Forgets workers unseen and branches running for {@code forgetAfter}; then the least recently seen past the cap. */
    private void forget() {
        Instant horizon = clock.instant().minus(forgetAfter);
        List<String> stale = new ArrayList<>();
        running.forEach((key, on) -> {
            if (on.since().isBefore(horizon)) {
                stale.add(key);
            }
        });
        stale.forEach(this::stopped);
        List<String> unseen = new ArrayList<>();
        workers.forEach((id, worker) -> {
            if (worker.lastSeen.isBefore(horizon)) {
                unseen.add(id);
            }
        });
        unseen.forEach(this::drop);
        while (workers.size() > maxWorkers) {
            workers.entrySet().stream().min(Comparator.comparing(e -> e.getValue().lastSeen))
                    .ifPresent(e -> drop(e.getKey()));
        }
    }

    private void drop(String workerId) {
        workers.remove(workerId).running.forEach(running::remove);
    }

    synchronized void result(JobResult result) {
        for (BranchOutcome outcome : result.getBranches()) {
            stopped(result.getJobId() + "\u0000" + outcome.getBranchId());
            if (outcome.getModel() == null) {
                continue;
            }
            String name = cut.name(outcome.getModel());
            Model model = models.computeIfAbsent(models.size() < maxModels || models.containsKey(name) ? name
                    : OTHER_MODELS, m -> new Model());
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
        forget();
        samples.addLast(JobEntry.JSON.createObjectNode().put("at", now.toString())
                .put("backlog", backlog.getAsLong())
                .put("running", running.size())
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
