package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchTask;
import io.braid.schema.JobEvent;
import io.braid.schema.JobResult;

/**
 * What the join emits: a completed job; a task to run (the final step of a SYNTHESIZE / SELECT job, or a
 * replayed branch); a progress event (a replay opened or refused); a dead letter.
 */
sealed interface JoinOutput {

    record Completed(JobResult result) implements JoinOutput {
    }

    /** A task, and whether its job is HIGH priority (its lane: the high tasks topic). */
    record Task(BranchTask task, boolean high) implements JoinOutput {
    }

    record Event(JobEvent event) implements JoinOutput {
    }

    /** A slot request, release or withdrawal for a capped job's tenant admission (keyed by tenant). */
    record Slot(io.braid.schema.SlotMessage message) implements JoinOutput {
    }

    /** An input the join refused or could not process, for the aggregator's dead-letter topic (reason in headers). */
    record DeadLetter(JoinInput input) implements JoinOutput {
    }
}
