package io.braid.worker.internal.execute;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.schema.BranchError;
import io.braid.worker.internal.models.ProviderHttpException;
import io.braid.worker.internal.models.Redaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The one place that decides whether a branch failure is worth another attempt, and how soon. */
public final class Failures {

    private Failures() {
    }

    /**
     * Retriable: langchain4j's {@link RetriableException} family (rate limits, timeouts, 5xx, and a response that is
     * not the API's JSON — {@code MalformedResponseException}), an
     * {@link HttpException} with status 408, 425, 429 or 5xx, I/O errors (connection refused or reset) and branch
     * timeouts. Everything else fails the branch at once: {@link NonRetriableException} (bad request,
     * authentication, unknown model), other 4xx, bad tool arguments or an unknown tool, and unexpected
     * exceptions, which are bugs rather than weather. langchain4j maps provider statuses: 400 (also "context too
     * long") → {@code InvalidRequestException}, 401/403 → {@code AuthenticationException}, 404 (model not found) →
     * {@code ModelNotFoundException}: all non-retriable; 408 → {@code TimeoutException}, 429 →
     * {@code RateLimitException}, 5xx → {@code InternalServerException}: retriable.
     */
    public static boolean isRetriable(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ToolArgumentsException || cause instanceof NonRetriableException) {
            return false;
        }
        if (cause instanceof HttpException http) {
            int status = http.statusCode();
            return status == 408 || status == 425 || status == 429 || status >= 500;
        }
        return cause instanceof RetriableException || cause instanceof TimeoutException
                || cause instanceof IOException || cause instanceof UncheckedIOException;
    }

    /**
     * The wait the failure asks for, anywhere in its cause chain: a {@link RetryAfterException}, or a provider's
     * {@code Retry-After} header ({@link ProviderHttpException}, under langchain4j's {@code RateLimitException}).
     */
    public static Optional<Duration> retryAfter(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetryAfterException hinted) {
                return Optional.of(hinted.retryAfter());
            }
            if (cause instanceof ProviderHttpException http && http.retryAfter().isPresent()) {
                return http.retryAfter();
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }

    /** The failure as a branch's error: its type, its message (key-shaped words masked) and whether to retry. */
    public static BranchError describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        // a last guard: no key-shaped word goes into a result or a dead letter
        return new BranchError(cause.getClass().getSimpleName(), Redaction.scrub(message), isRetriable(cause));
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
