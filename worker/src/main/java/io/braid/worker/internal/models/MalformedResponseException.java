package io.braid.worker.internal.models;

import dev.langchain4j.exception.RetriableException;

/**
 * A provider answered 2xx with a body that is not its API's JSON (a proxy's HTML page, a cut-off body). Retriable:
 * like a 5xx, it is the server's fault and often passes; the retry policy's attempts bound it.
 */
final class MalformedResponseException extends RetriableException {

    public MalformedResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
