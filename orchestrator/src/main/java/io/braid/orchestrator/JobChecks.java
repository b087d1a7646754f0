package io.braid.orchestrator;

import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.orchestrator.internal.dispatch.JobValidator;
import io.braid.schema.JobRequest;

import java.util.List;

/** The rules a job must follow to be dispatched, for checking a job before it is sent. */
public final class JobChecks {

    private JobChecks() {
    }

    /**
     * What is wrong with {@code job} by the dispatcher's rules at {@code maxBranches} (empty when nothing is): each
     * problem names the field and what was expected.
     */
    public static List<String> problems(JobRequest job, int maxBranches) {
        return new JobValidator(Aggregation.SUPPORTED, maxBranches).problems(job);
    }
}
