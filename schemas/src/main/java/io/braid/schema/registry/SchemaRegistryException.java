package io.braid.schema.registry;

/**
 * A registry call that failed: the registry answered with an error, or could not be reached.
 *
 * <p>{@link #httpStatus()} and {@link #errorCode()} follow Confluent's error bodies
 * ({@code {"error_code": 40401, "message": "Subject not found"}}); both are 0 when the registry was unreachable.
 */
public class SchemaRegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
        this.errorCode = 0;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** Whether the same call may succeed later: the registry was unreachable or answered 5xx. */
    public boolean retriable() {
        return httpStatus == 0 || httpStatus >= 500;
    }
}
