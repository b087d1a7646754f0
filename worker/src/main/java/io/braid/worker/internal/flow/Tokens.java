package io.braid.worker.internal.flow;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.braid.schema.TokenUsage;

/** Token counts before a call (an estimate from the prompt) and after it (from the provider's usage). */
public final class Tokens {

    /**
     * The output a call is assumed to produce when neither it nor its model sets a limit, until the model's calls
     * have reported their usage ({@link OutputEstimate}).
     */
    static final int DEFAULT_OUTPUT_ESTIMATE = 256;
    /** Characters per token of the estimate: the usual rule of thumb for English text. */
    static final int CHARS_PER_TOKEN = 4;

    private Tokens() {
    }

    /** The prompt's input tokens, estimated from its characters (tool specifications included). */
    static long input(ChatRequest request) {
        long chars = 0;
        for (ChatMessage message : request.messages()) {
            chars += chars(message);
        }
        if (request.toolSpecifications() != null && !request.toolSpecifications().isEmpty()) {
            chars += request.toolSpecifications().toString().length();
        }
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** Input and output tokens of a call, estimated: the prompt, plus its output limit or {@code defaultOutput}. */
    static long estimate(ChatRequest request, Integer defaultOutput) {
        Integer limit = request.maxOutputTokens() != null ? request.maxOutputTokens() : defaultOutput;
        return input(request) + (limit != null ? limit : DEFAULT_OUTPUT_ESTIMATE);
    }

    /** langchain4j's token usage as the schema's, or null when the provider reported none. */
    public static TokenUsage usage(dev.langchain4j.model.output.TokenUsage usage) {
        if (usage == null || (usage.inputTokenCount() == null && usage.outputTokenCount() == null)) {
            return null;
        }
        return new TokenUsage(usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage.outputTokenCount() == null ? 0 : usage.outputTokenCount());
    }

    private static long chars(ChatMessage message) {
        return switch (message) {
            case SystemMessage system -> system.text().length();
            case UserMessage user -> user.hasSingleText() ? user.singleText().length()
                    : user.contents().toString().length();
            case AiMessage ai -> (ai.text() == null ? 0 : ai.text().length())
                    + (ai.hasToolExecutionRequests() ? ai.toolExecutionRequests().stream()
                    .map(ToolExecutionRequest::arguments).mapToLong(a -> a == null ? 0 : a.length()).sum() : 0);
            case ToolExecutionResultMessage result -> result.text() == null ? 0 : result.text().length();
            default -> message.toString().length();
        };
    }
}
