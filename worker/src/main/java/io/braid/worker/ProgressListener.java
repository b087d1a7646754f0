package io.braid.worker;

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

    /**
     * Text a running branch's model generated since the last call (models that stream: the simulated one); the
     * branch's result still carries its whole output.
     */
    default void partialOutput(BranchTask task, String text) {
    }

    /** The branch's final result, once it is published: its finish never stands in front of its result. */
    default void finished(BranchResult result) {
    }

    /**
     * The worker is done with this delivery of the branch, however it ended (finished, released, interrupted,
     * failed to publish): a listener drops what it keeps for the branch's streamed output.
     */
    default void ended(BranchTask task) {
    }

    /** Tells each of {@code listeners}, in order. */
    static ProgressListener all(ProgressListener... listeners) {
        ProgressListener[] copy = listeners.clone();
        return new ProgressListener() {
            @Override
            public void started(BranchTask task, int attempt) {
                for (ProgressListener listener : copy) {
                    listener.started(task, attempt);
                }
            }

            @Override
            public void retrying(BranchTask task, int failedAttempt, BranchError error) {
                for (ProgressListener listener : copy) {
                    listener.retrying(task, failedAttempt, error);
                }
            }

            @Override
            public void partialOutput(BranchTask task, String text) {
                for (ProgressListener listener : copy) {
                    listener.partialOutput(task, text);
                }
            }

            @Override
            public void finished(BranchResult result) {
                for (ProgressListener listener : copy) {
                    listener.finished(result);
                }
            }

            @Override
            public void ended(BranchTask task) {
                for (ProgressListener listener : copy) {
                    listener.ended(task);
                }
            }
        };
    }
}
