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
    /**
     * The most output tokens a call may ask for ({@code llm.maxOutputTokens}, a model's {@code maxOutputTokens}):
     * above what any provider produces in one call, far below what would upset the token schedule's arithmetic.
     */
    public static final int MAX_OUTPUT_TOKENS = 1_000_000;

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

    /**
     * Input and output tokens of a call, estimated: the prompt, plus its output limit or {@code defaultOutput},
     * clamped to 0..{@link #MAX_OUTPUT_TOKENS} (the branch's limit is checked before, see {@link #checkMaxOutput}).
     */
    static long estimate(ChatRequest request, Integer defaultOutput) {
        Integer limit = request.maxOutputTokens() != null ? request.maxOutputTokens() : defaultOutput;
        long output = limit != null ? limit : DEFAULT_OUTPUT_ESTIMATE;
        return input(request) + Math.max(0, Math.min(MAX_OUTPUT_TOKENS, output));
    }

    /**
     * Refuses an output limit below 1 or above {@link #MAX_OUTPUT_TOKENS}, naming {@code field}: a task written
     * straight to the topic is not checked by the orchestrator's validator. Non-retriable: no delivery would do better.
     */
    public static void checkMaxOutput(String field, Integer maxOutputTokens) {
        if (maxOutputTokens != null && (maxOutputTokens < 1 || maxOutputTokens > MAX_OUTPUT_TOKENS)) {
            throw new dev.langchain4j.exception.NonRetriableException(field + " " + maxOutputTokens
                    + " is outside 1.." + MAX_OUTPUT_TOKENS);
        }
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
