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
