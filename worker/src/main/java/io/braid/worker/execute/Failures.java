package io.braid.worker.execute;

import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.schema.BranchError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The one place that decides whether a branch failure is worth another attempt. */
public final class Failures {

    private Failures() {
    }

    /**
     * Retriable: langchain4j's {@link RetriableException} family (rate limits, timeouts, 5xx), I/O errors and branch
     * timeouts. Everything else — {@link NonRetriableException}, bad tool arguments, and unexpected exceptions,
     * which are bugs rather than weather — fails the branch at once.
     */
    public static boolean isRetriable(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ToolArgumentsException || cause instanceof NonRetriableException) {
            return false;
        }
        return cause instanceof RetriableException || cause instanceof TimeoutException
                || cause instanceof IOException || cause instanceof UncheckedIOException;
    }

    public static BranchError describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return new BranchError(cause.getClass().getSimpleName(), message, isRetriable(cause));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
