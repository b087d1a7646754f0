package io.braid.orchestrator.aggregate;

import io.braid.schema.BranchTask;
import io.braid.schema.JobResult;

/** What the join emits: a completed job, or the final aggregation task of a SYNTHESIZE / SELECT job. */
sealed interface JoinOutput {

    record Completed(JobResult result) implements JoinOutput {
    }

    record FinalTask(BranchTask task) implements JoinOutput {
    }
}
