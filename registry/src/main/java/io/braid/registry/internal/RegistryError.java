package io.braid.registry.internal;

/** An error answered in Confluent's format: HTTP status plus {@code {"error_code": ..., "message": ...}}. */
public class RegistryError extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    public RegistryError(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }
}
