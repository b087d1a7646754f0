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
    private final boolean retriable;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, retriableStatus(httpStatus));
    }

    /**
     * An answer with {@code httpStatus} that is retriable or not regardless of the status: e.g. a 200 whose body is
     * not a registry's answer (a proxy's page, a wrong URL) may be right later; nothing about the record caused it.
     */
    public SchemaRegistryException(String message, int httpStatus, int errorCode, boolean retriable) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retriable = retriable;
    }

    /** The registry could not be reached (connection refused, timeout, interrupted): retriable. */
    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
        this.errorCode = 0;
        this.retriable = true;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /**
     * Whether the same call may succeed later unchanged: the registry was unreachable or timed out, or answered
     * 408, 429 or 5xx.
     */
    public boolean retriable() {
        return retriable;
    }

    /** Whether an HTTP status says "try again later": 408 (timeout), 429 (rate limit) and 5xx. */
    public static boolean retriableStatus(int httpStatus) {
        return httpStatus == 0 || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
    }
}
