package io.braid.worker.internal.flow;

/**
 * A model call could not get its turn under the model's rate limit before the branch's turn deadline (what is left
 * of its run budget, so of its record lock, less room for the attempt: {@link BranchCalls#turnDeadline}). When no
 * call of the run was sent yet, not a failure of the branch: its record is released and the branch runs again on a
 * later delivery. After a call was sent (tokens spent), or on the record's last delivery, it fails the branch,
 * retriable (another round may have its turn), with what was spent.
 */
public final class NoTurnException extends dev.langchain4j.exception.RetriableException {

    public NoTurnException(String message) {
        super(message);
    }
}
