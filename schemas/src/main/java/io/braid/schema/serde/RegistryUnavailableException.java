package io.braid.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be read or written because the schema registry could not be had: it was unreachable, timed
 * out or answered 5xx. The record itself may be fine; the same call may succeed once the registry is back, so the
 * caller retries with backoff (and reports not-ready) instead of dead-lettering or skipping the record.
 *
 * <p>A plain {@link SerializationException} (not this subclass) means the record is bad: an unknown schema id
 * (404), a schema that cannot be read as the expected type, or corrupt bytes. Serdes never cache this failure: the
 * next record with the same schema id asks the registry again.
 */
public class RegistryUnavailableException extends SerializationException {

    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
