package io.braid.worker.execute;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.braid.schema.BranchTask;
import io.braid.schema.LlmCall;

import java.util.ArrayList;
import java.util.List;

/** An LLM branch: fills the prompt templates from the job's inputs and calls the named langchain4j model. */
public final class LlmBranchExecutor implements BranchExecutor {

    private final ModelRegistry models;

    public LlmBranchExecutor(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public BranchOutput execute(BranchTask task) {
        LlmCall call = task.getBranch().getLlm();
        String modelName = models.resolveName(call.getModel());
        List<ChatMessage> messages = new ArrayList<>();
        if (call.getSystemPrompt() != null) {
            messages.add(SystemMessage.from(Templates.fill(call.getSystemPrompt(), task.getInputs())));
        }
        messages.add(UserMessage.from(Templates.fill(call.getUserPrompt(), task.getInputs())));
        ChatRequest.Builder request = ChatRequest.builder().messages(messages);
        if (call.getTemperature() != null) {
            request.temperature(call.getTemperature());
        }
        if (call.getMaxOutputTokens() != null) {
            request.maxOutputTokens(call.getMaxOutputTokens());
        }
        ChatResponse response = models.model(modelName).chat(request.build());
        TokenUsage usage = response.tokenUsage();
        return new BranchOutput(response.aiMessage().text(), modelName,
                usage == null ? null : usage.inputTokenCount(), usage == null ? null : usage.outputTokenCount());
    }
}
