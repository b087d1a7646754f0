package io.braid.schema.json;

/** JSON that does not fit the record's schema; the message names the path and what was expected. */
public class JsonRecordException extends RuntimeException {

    public JsonRecordException(String message) {
        super(message);
    }
}
