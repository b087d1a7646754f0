package io.braid.worker.execute;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;

/** Hears what happens to branches, e.g. to publish progress events. Must not throw or block. */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {
    };

    default void started(BranchTask task, int attempt) {
    }

    default void retrying(BranchTask task, int failedAttempt, BranchError error) {
    }

    default void finished(BranchResult result) {
    }
}
