package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchResult;
import io.braid.schema.JobControl;
import io.braid.schema.JobManifest;

/** What the join consumes: a job's manifest or one branch result, from two topics merged by jobId. */
public sealed interface JoinInput {

    record Manifest(JobManifest manifest) implements JoinInput {
    }

    record Result(BranchResult result) implements JoinInput {
    }

    /** Slots the job's tenant's admission granted it (a capped job, see {@link CappedJob}). */
    record Grant(io.braid.schema.SlotGrant grant) implements JoinInput {
    }

    /** A command about the job, e.g. cancel it. */
    record Control(JobControl control) implements JoinInput {
    }
}
