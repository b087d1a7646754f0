package io.braid.tool;

import dev.langchain4j.exception.NonRetriableException;

/**
 * A tool call asked for more than a limit of this worker allows (digits, an exponent, a pattern's length). Not
 * retried: the same call would ask for as much again. The message names the limit, its value and its setting.
 */
public class ToolLimitException extends NonRetriableException {

    /** @param message which limit, its value, and the setting that changes it */
    public ToolLimitException(String message) {
        super(message);
    }
}
