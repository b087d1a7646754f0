package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.JobResult;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the jobs this instance completed spent, for the metrics ({@code braid_job_tokens_total},
 * {@code braid_job_cost_total}, {@code braid_jobs_completed_total}): each JobResult's usage, added when the join emits
 * it. A per-instance count like any Prometheus counter; a join transaction that is aborted and processed again after a
 * crash may count its job twice (the results topic itself has it once).
 */
public final class JobMeters {

    private final LongAdder inputTokens = new LongAdder();
    private final LongAdder outputTokens = new LongAdder();
    private final DoubleAdder cost = new DoubleAdder();
    private final LongAdder completed = new LongAdder();
    private final java.util.Map<String, int[]> tenants = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<String> newTenant = tenant -> { };

    void completed(JobResult result) {
        completed.increment();
        if (result.getUsage() != null) {
            inputTokens.add(result.getUsage().getInputTokens());
            outputTokens.add(result.getUsage().getOutputTokens());
            if (result.getUsage().getCost() != null) {
                cost.add(result.getUsage().getCost());
            }
        }
    }

    /** A capped tenant's admission after a step, as this instance processed it: slots in use, rounds waiting. */
    void tenant(String tenant, int inUse, int waiting) {
        int[] counts = tenants.computeIfAbsent(tenant, t -> new int[2]);
        counts[0] = inUse;
        counts[1] = waiting;
        if (announced.add(tenant)) {
            newTenant.accept(tenant);
        }
    }

    private final java.util.Set<String> announced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Calls {@code listener} with each tenant this instance's admission has seen, now and as new ones come. */
    public void onTenant(java.util.function.Consumer<String> listener) {
        newTenant = listener;
        announced.forEach(listener);
    }

    /** Slots in use by {@code tenant}'s jobs, as this instance's admission last counted them (0: unknown). */
    public int tenantSlotsInUse(String tenant) {
        int[] counts = tenants.get(tenant);
        return counts == null ? 0 : counts[0];
    }

    /** {@code tenant}'s job rounds waiting for a slot, as this instance's admission last counted them. */
    public int tenantWaiting(String tenant) {
        int[] counts = tenants.get(tenant);
        return counts == null ? 0 : counts[1];
    }

    public long inputTokens() {
        return inputTokens.sum();
    }

    public long outputTokens() {
        return outputTokens.sum();
    }

    public double cost() {
        return cost.sum();
    }

    public long completedJobs() {
        return completed.sum();
    }
}
