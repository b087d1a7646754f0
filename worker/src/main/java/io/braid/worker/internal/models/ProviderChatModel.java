package io.braid.worker.internal.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * A configured model: langchain4j's model for the provider, with failures named after the configured model and
 * the two cases langchain4j leaves unmapped made explicit — a body that is not the API's JSON
 * ({@link MalformedResponseException}, retriable) and an answer without a message (likewise).
 * Everything else keeps langchain4j's mapping (see {@code Failures}).
 */
final class ProviderChatModel implements ChatModel {

    private final String name;
    private final String description;
    private final ChatModel delegate;

    public ProviderChatModel(String name, String description, ChatModel delegate) {
        this.name = name;
        this.description = description;
        this.delegate = delegate;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        ChatResponse response;
        try {
            response = delegate.chat(request);
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

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
