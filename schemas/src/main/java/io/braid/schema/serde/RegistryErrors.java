package io.braid.schema.serde;

import io.braid.schema.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;

/** The one place that splits a failed registry call into "try the record again later" and "bad record". */
final class RegistryErrors {

    private RegistryErrors() {
    }

    /**
     * {@code failure} as the serdes throw it: a {@link RegistryUnavailableException} when the registry could not
     * answer (unreachable, timeout, 408, 429, 5xx, a malformed answer, or 401/403: credentials are configuration,
     * not the record's fault); otherwise (404 unknown id, 409/422 refused schema, a schema that does not parse) a
     * plain {@link SerializationException}.
     */
    static SerializationException classify(SchemaRegistryException failure, String what) {
        if (unavailable(failure)) {
            return new RegistryUnavailableException("schema registry unavailable while " + what + ": "
                    + failure.getMessage() + "; the record can be read once the registry answers", failure);
        }
        return new SerializationException(what + ": " + failure.getMessage(), failure);
    }

    static boolean unavailable(SchemaRegistryException failure) {
        return failure.retriable() || failure.httpStatus() == 401 || failure.httpStatus() == 403;
    }
}
