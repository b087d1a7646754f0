package io.braid.orchestrator.dispatch;

/** A job record that cannot be dispatched; the message is the reason given in the dead-letter record. */
public class InvalidJobException extends RuntimeException {

    public InvalidJobException(String message) {
        super(message);
    }

    public InvalidJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
