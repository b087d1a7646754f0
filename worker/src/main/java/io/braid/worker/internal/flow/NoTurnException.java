package io.braid.worker.internal.flow;

/**
 * A model call could not get its turn under the model's rate limit before the branch's turn deadline (what is left
 * of its run budget, so of its record lock, less the shortest attempt). Not a failure of the branch: its record is
 * released and the branch runs again on a later delivery (on the record's last delivery it fails the branch,
 * retriable: another round may have its turn).
 */
public final class NoTurnException extends dev.langchain4j.exception.RetriableException {

    public NoTurnException(String message) {
        super(message);
    }
}
