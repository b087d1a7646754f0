package io.braid.worker.internal.execute;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.schema.BranchTask;
import io.braid.schema.LlmCall;
import io.braid.worker.BranchExecutor;
import io.braid.worker.BranchOutput;
import io.braid.worker.internal.flow.Tokens;
import io.braid.worker.internal.models.ModelRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An LLM branch: fills the prompt templates from the job's inputs and metadata and calls the named model. */
public final class LlmBranchExecutor implements BranchExecutor {

    private final ModelRegistry models;
    private final PolicyCheck policy;
    private final Hedging hedging;

    public LlmBranchExecutor(ModelRegistry models) {
        this(models, PolicyCheck.allowAll());
    }

    /** Refusing models {@code policy} does not allow the branch's job. */
    public LlmBranchExecutor(ModelRegistry models, PolicyCheck policy) {
        this(models, policy, new Hedging(models, io.braid.worker.internal.flow.ModelFlow.unlimited()));
    }

    /** Hedging the call as the branch asks ({@link Hedging}). */
    public LlmBranchExecutor(ModelRegistry models, PolicyCheck policy, Hedging hedging) {
        this.models = models;
        this.policy = policy;
        this.hedging = hedging;
    }

    @Override
    public BranchOutput execute(BranchTask task) throws InterruptedException {
        LlmCall call = task.getBranch().getLlm();
        Tokens.checkMaxOutput("llm.maxOutputTokens", call.getMaxOutputTokens());
        String modelName = models.resolveName(call.getModel());
        policy.checkModel(task, modelName);
        hedging.check(task, policy);
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
        ChatResponse response = hedging.chat(task, modelName, request.build());
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        return new BranchOutput(response.aiMessage().text(), modelName, response.modelName(),
                Tokens.usage(response.tokenUsage()), latency, List.of());
    }
}
