package io.braid.worker.internal.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.internal.ExceptionMapper;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.anthropic.internal.api.AnthropicStreamingException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A configured model: langchain4j's model for the provider, with failures named after the configured model and
 * the two cases langchain4j leaves unmapped made explicit — a body that is not the API's JSON
 * ({@link MalformedResponseException}, retriable) and an answer without a message (likewise).
 * Everything else keeps langchain4j's mapping (see {@code Failures}). With a streaming model ({@code stream: true}),
 * a call offering no tools made inside a branch run is streamed: each piece of text goes to the branch's
 * {@link PartialOutput} as it arrives, and the call answers the whole response as before. A stream that is
 * malformed or stops before its end fails as {@link MalformedResponseException}, naming the model; an Anthropic
 * {@code error} event mid-stream fails as the status its type stands for.
 */
final class ProviderChatModel implements ChatModel {

    private final String name;
    private final String description;
    private final ChatModel delegate;
    private final StreamingChatModel streaming;

    public ProviderChatModel(String name, String description, ChatModel delegate) {
        this(name, description, delegate, null);
    }

    /** {@code streaming} (null: none) answers the calls that stream. */
    public ProviderChatModel(String name, String description, ChatModel delegate, StreamingChatModel streaming) {
        this.name = name;
        this.description = description;
        this.delegate = delegate;
        this.streaming = streaming;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        ChatResponse response;
        try {
            Consumer<String> sink = streaming == null || (request.toolSpecifications() != null
                    && !request.toolSpecifications().isEmpty()) ? null : PartialOutput.current();
            response = sink == null ? delegate.chat(request) : streamed(request, sink);
        } catch (MalformedResponseException e) {
            // from the stream's reader, which names the host and the frame but not the model
            throw new MalformedResponseException("model '" + name + "' (" + description + "): " + e.getMessage(), e);
        } catch (AnthropicStreamingException e) {
            throw streamError(e);
        } catch (RuntimeException e) {
            JsonProcessingException malformed = find(e, JsonProcessingException.class);
            if (malformed != null && !(e instanceof LangChain4jException)) {
                throw new MalformedResponseException("model '" + name + "' (" + description + ") answered with "
                        + "something that is not its API's JSON: " + malformed.getOriginalMessage(), e);
            }
            throw e;
        }
        if (response == null || response.aiMessage() == null) {
            throw new MalformedResponseException("model '" + name + "' (" + description + ") answered without a "
                    + "message", null);
        }
        return response;
    }

    /** The call as a stream: pieces to {@code sink} as they come, the whole response at the end. */
    private ChatResponse streamed(ChatRequest request, Consumer<String> sink) {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                if (!done.isDone()) {
                    // nothing after a failure: langchain4j reads on past some of them
                    sink.accept(text);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        if (!done.isDone()) {
            // the worker's client reads the stream on this thread: back here, the stream is over
            done.completeExceptionally(new MalformedResponseException("the stream ended without a whole answer", null));
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.cancel(true);
            throw new RetriableException("model '" + name + "': streamed call interrupted", e);
        } catch (ExecutionException e) {
            // as the unstreamed call: an error status mapped by langchain4j (429 a RateLimitException, its
            // ProviderHttpException with the Retry-After kept as the cause), anything else as it was thrown
            Throwable cause = e.getCause();
            if (cause instanceof dev.langchain4j.exception.HttpException) {
                throw ExceptionMapper.DEFAULT.mapException(cause);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw ExceptionMapper.DEFAULT.mapException(cause);
        }
    }

    /**
     * An Anthropic {@code error} event (the stream had begun, so no status came): langchain4j's exception for the
     * status its type stands for, so an overload or a rate limit is retried and an invalid request is not.
     */
    private RuntimeException streamError(AnthropicStreamingException e) {
        String message = "model '" + name + "' (" + description + ") failed mid-stream: " + e.type() + ": "
                + e.getMessage();
        return switch (e.type() == null ? "" : e.type()) {
            case "rate_limit_error" -> new RateLimitException(message, e);
            case "overloaded_error", "api_error" -> new InternalServerException(message, e);
            case "timeout_error" -> new dev.langchain4j.exception.TimeoutException(message, e);
            case "authentication_error", "permission_error" -> new AuthenticationException(message, e);
            case "not_found_error" -> new ModelNotFoundException(message, e);
            default -> new InvalidRequestException(message, e);
        };
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
