package io.braid.worker.internal.execute;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.schema.BranchTask;
import io.braid.schema.LlmCall;
import io.braid.schema.TokenUsage;
import io.braid.worker.BranchExecutor;
import io.braid.worker.BranchOutput;
import io.braid.worker.internal.models.ModelRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An LLM branch: fills the prompt templates from the job's inputs and metadata and calls the named model. */
public final class LlmBranchExecutor implements BranchExecutor {

    private final ModelRegistry models;
    private final PolicyCheck policy;

    public LlmBranchExecutor(ModelRegistry models) {
        this(models, PolicyCheck.allowAll());
    }

    /** Refusing models {@code policy} does not allow the branch's job. */
    public LlmBranchExecutor(ModelRegistry models, PolicyCheck policy) {
        this.models = models;
        this.policy = policy;
    }

    @Override
    public BranchOutput execute(BranchTask task) {
        LlmCall call = task.getBranch().getLlm();
        String modelName = models.resolveName(call.getModel());
        policy.checkModel(task, modelName);
        List<ChatMessage> messages = new ArrayList<>();
        if (call.getSystemPrompt() != null) {
            messages.add(SystemMessage.from(Templates.fill(call.getSystemPrompt(), task)));
        }
        messages.add(UserMessage.from(Templates.fill(call.getUserPrompt(), task)));
        ChatRequest.Builder request = ChatRequest.builder().messages(messages);
        if (call.getTemperature() != null) {
            request.temperature(call.getTemperature());
        }
        if (call.getMaxOutputTokens() != null) {
            request.maxOutputTokens(call.getMaxOutputTokens());
        }
        long start = System.nanoTime();
        ChatResponse response = models.model(modelName).chat(request.build());
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        return new BranchOutput(response.aiMessage().text(), modelName, response.modelName(),
                usage(response.tokenUsage()), latency, List.of());
    }

    /** langchain4j's token usage as the schema's, or null when the provider reported none. */
    static TokenUsage usage(dev.langchain4j.model.output.TokenUsage usage) {
        if (usage == null || (usage.inputTokenCount() == null && usage.outputTokenCount() == null)) {
            return null;
        }
        return new TokenUsage(usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage.outputTokenCount() == null ? 0 : usage.outputTokenCount());
    }
}
