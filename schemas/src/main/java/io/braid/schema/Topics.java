package io.braid.schema;

import java.util.List;
import java.util.Objects;

/**
 * The names of Braid's topics, all under one configurable prefix (default {@code "braid."}).
 *
 * <p>Every record on these topics is keyed by jobId, but those of {@link #tenantSlots()}, keyed by tenant, and of
 * {@link #workers()}, keyed by workerId.
 */
public record Topics(String prefix) {

    public static final String DEFAULT_PREFIX = "braid.";

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.matches("[a-zA-Z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' may only contain letters, digits, '.', '_' and '-'");
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    /** Job requests from clients. */
    public String jobs() {
        return prefix + "jobs";
    }

    /** Job requests that could not be read or were invalid, with the reason in a header. */
    public String jobsDeadLetter() {
        return prefix + "jobs.dlq";
    }

    /** One manifest per dispatched job round: what the aggregator joins. */
    public String manifests() {
        return prefix + "manifests";
    }

    /** One task per branch, consumed by the workers' share group. */
    public String tasks() {
        return prefix + "tasks";
    }

    /**
     * The tasks of HIGH-priority jobs: a lane of their own, which every worker's share consumers read beside
     * {@link #tasks()}, so they never queue behind other jobs' tasks.
     */
    public String tasksHigh() {
        return prefix + "tasks.high";
    }

    /** The tasks topic of a job of {@code priority}: {@link #tasksHigh()} for HIGH, else {@link #tasks()}. */
    public String tasksFor(Priority priority) {
        return priority == Priority.HIGH ? tasksHigh() : tasks();
    }

    /** Tasks whose last attempt failed, with the error. */
    public String tasksDeadLetter() {
        return prefix + "tasks.dlq";
    }

    /** One result per branch attempt that finished. */
    public String results() {
        return prefix + "results";
    }

    /** Records on the results or manifests topics the aggregator could not read, with the error in headers. */
    public String aggregatorDeadLetter() {
        return prefix + "aggregator.dlq";
    }

    /** One joined result per job and round. */
    public String jobResults() {
        return prefix + "job-results";
    }

    /** Progress events (informational). */
    public String jobEvents() {
        return prefix + "job-events";
    }

    /** Commands about jobs (cancel), compacted by jobId: read by the aggregator and every worker. */
    public String control() {
        return prefix + "control";
    }

    /**
     * Slot requests and releases of capped tenants' jobs, keyed by tenant: the join writes them, the orchestrator's
     * admission reads them (see the policy's {@code maxConcurrency}).
     */
    public String tenantSlots() {
        return prefix + "tenant-slots";
    }

    /** Slots the admission granted to a capped tenant's job, keyed by jobId: the join reads them. */
    public String tenantGrants() {
        return prefix + "tenant-grants";
    }

    /**
     * Each worker's heartbeat ({@code WorkerStatus}), keyed by workerId, compacted and kept a day: the consoles read
     * it for the workers' live in-flight counts and rate-limit state.
     */
    public String workers() {
        return prefix + "workers";
    }

    /** Every topic Braid reads or writes, for creating them up front. */
    public List<String> all() {
        return List.of(jobs(), jobsDeadLetter(), manifests(), tasks(), tasksHigh(), tasksDeadLetter(), results(),
                aggregatorDeadLetter(), jobResults(), jobEvents(), control(), tenantSlots(), tenantGrants(), workers());
    }
}
