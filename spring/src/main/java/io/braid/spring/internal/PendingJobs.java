package io.braid.spring.internal;

import io.braid.schema.JobEvent;
import io.braid.schema.JobResult;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The jobs a template waits for, by jobId: each a future that completes with the job's first {@link JobResult}, or
 * fails when its timeout passes or its submission failed, and the job's event callback. Thread-safe: submissions,
 * the results listener and the timeouts meet here.
 */
public final class PendingJobs {

    private record Pending(CompletableFuture<JobResult> future, Consumer<JobEvent> onEvent) {
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final int maxPending;
    private final TemplateMeters meters;
    private final BiFunction<Long, TimeUnit, Executor> delayed;
    private final Executor completions;

    /**
     * @param maxPending  the most jobs waited for at once ({@code braid.template.max-pending-jobs})
     * @param delayed     an executor that runs a task after a delay (the timeouts); a test passes its own
     * @param completions where futures are completed, and so where their callers' dependent stages run
     */
    public PendingJobs(int maxPending, TemplateMeters meters, BiFunction<Long, TimeUnit, Executor> delayed,
                       Executor completions) {
        this.maxPending = maxPending;
        this.meters = meters;
        this.delayed = delayed;
        this.completions = completions;
    }

    /**
     * With {@link CompletableFuture#delayedExecutor} for the timeouts, and a virtual thread per completion, so a
     * caller's {@code thenApply} that blocks never holds up the results listener.
     */
    public PendingJobs(int maxPending, TemplateMeters meters) {
        this(maxPending, meters, CompletableFuture::delayedExecutor,
                task -> Thread.ofVirtual().name("braid-result").start(task));
    }

    /**
     * Starts waiting for {@code jobId}'s result, for up to {@code timeout}.
     *
     * @throws IllegalStateException when the job is waited for already, or {@code maxPending} jobs are
     */
    public CompletableFuture<JobResult> await(String jobId, Duration timeout, Consumer<JobEvent> onEvent) {
        if (pending.size() >= maxPending) {
            throw new IllegalStateException("already waiting for " + pending.size() + " jobs, the limit "
                    + "braid.template.max-pending-jobs (" + maxPending + "); wait for some to finish or raise it");
        }
        CompletableFuture<JobResult> future = new CompletableFuture<>();
        Pending waiting = new Pending(future, onEvent);
        if (pending.putIfAbsent(jobId, waiting) != null) {
            throw new IllegalStateException("job " + jobId + " was submitted already and its result is awaited; "
                    + "give each job its own jobId");
        }
        delayed.apply(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (pending.remove(jobId, waiting)) {
                meters.timedOut();
                fail(future, new TimeoutException("no result for job " + jobId + " within "
                        + timeout + " (braid.template.result-timeout); is an orchestrator running on these "
                        + "topics, and a worker? The job may still complete: read it with BraidClient.awaitResult"));
            }
        });
        return future;
    }

    /** Whether {@code jobId} is waited for: records of other jobs need not even be read. */
    public boolean awaits(String jobId) {
        return jobId != null && pending.containsKey(jobId);
    }

    /** Completes the job's future with its result, if it is waited for. */
    public void result(JobResult result) {
        Pending waiting = pending.get(result.getJobId());
        if (waiting != null && pending.remove(result.getJobId(), waiting)) {
            meters.result(result.getStatus().name());
            completions.execute(() -> waiting.future().complete(result));
        }
    }

    /** Passes the event to the job's callback, if it is waited for and has one; a callback that throws is ignored. */
    public void event(JobEvent event) {
        Pending waiting = pending.get(event.getJobId());
        if (waiting != null && waiting.onEvent() != null) {
            try {
                waiting.onEvent().accept(event);
            } catch (RuntimeException e) {
                // a caller's callback must not stop the results of other jobs
            }
        }
    }

    /** Fails the job's future (its submission failed, or its result could not be read). */
    public void fail(String jobId, Throwable cause) {
        Pending waiting = pending.get(jobId);
        if (waiting != null && pending.remove(jobId, waiting)) {
            fail(waiting.future(), cause);
        }
    }

    private void fail(CompletableFuture<JobResult> future, Throwable cause) {
        completions.execute(() -> future.completeExceptionally(cause));
    }

    /** Fails every waiting future: the template is closing. */
    public void failAll(String why) {
        for (String jobId : Set.copyOf(pending.keySet())) {
            fail(jobId, new IllegalStateException(why));
        }
    }

    public int size() {
        return pending.size();
    }
}
