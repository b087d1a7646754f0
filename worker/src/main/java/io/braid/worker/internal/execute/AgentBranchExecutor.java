package io.braid.worker.internal.execute;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.schema.AgentCall;
import io.braid.worker.internal.trace.BranchTracing;
import io.braid.worker.internal.trace.GenAiSpans;
import io.braid.schema.BranchTask;
import io.braid.schema.TokenUsage;
import io.braid.schema.ToolInvocation;
import io.braid.worker.BranchExecutor;
import io.braid.worker.BranchOutput;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.models.ModelRegistry;
import io.braid.worker.internal.models.Redaction;
import io.braid.worker.internal.tools.ToolRegistry;
import io.braid.tool.BraidTool;
import io.braid.tool.ToolArguments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An AGENT branch: a model that may call the branch's allowed tools, in a loop. Each turn sends the conversation
 * and the tools' specifications; when the model asks for tools, they run (several at once on virtual threads when
 * it asks for several) and their results go back to it; when it answers without asking, that answer is the
 * branch's output. At most {@code maxSteps} turns may call tools — the job's, lowered to this worker's
 * {@code tools.agent.maxSteps} — and at most {@code tools.agent.maxToolCalls} tools be called in all; a model still
 * asking after that fails the branch ({@link AgentStepLimitException}, not retried), naming the limit.
 *
 * <p>A tool call that fails — a tool not allowed, bad arguments, the tool's own error — does not fail the branch:
 * the model is told what went wrong, as a tool result, and may correct itself. Every call is recorded
 * ({@link ToolInvocation}) in the branch result, with token usage and model time summed over the turns.
 */
public final class AgentBranchExecutor implements BranchExecutor {

    /** The most of a tool's output a result records (the model sees all of it). */
    static final int RECORDED_OUTPUT_LIMIT = 2_000;

    private final ModelRegistry models;
    private final ToolRegistry tools;
    private final ToolSettings.Agent limits;
    private final PolicyCheck policy;
    private final Hedging hedging;

    /** With the default limits ({@link ToolSettings.Agent#defaults()}). */
    public AgentBranchExecutor(ModelRegistry models, ToolRegistry tools) {
        this(models, tools, ToolSettings.Agent.defaults());
    }

    public AgentBranchExecutor(ModelRegistry models, ToolRegistry tools, ToolSettings.Agent limits) {
        this(models, tools, limits, PolicyCheck.allowAll());
    }

    /** Refusing a model, or a tool in the agent's list, that {@code policy} does not allow the branch's job. */
    public AgentBranchExecutor(ModelRegistry models, ToolRegistry tools, ToolSettings.Agent limits,
                               PolicyCheck policy) {
        this(models, tools, limits, policy, new Hedging(models, io.braid.worker.internal.flow.ModelFlow.unlimited()));
    }

    /** Hedging each model call as the branch asks ({@link Hedging}). */
    public AgentBranchExecutor(ModelRegistry models, ToolRegistry tools, ToolSettings.Agent limits,
                               PolicyCheck policy, Hedging hedging) {
        this.models = models;
        this.tools = tools;
        this.limits = limits;
        this.policy = policy;
        this.hedging = hedging;
    }

    @Override
    public BranchOutput execute(BranchTask task) throws Exception {
        AgentCall call = task.getBranch().getAgent();
        if (call.getMaxSteps() < 0) {
            throw new NonRetriableException("agent maxSteps " + call.getMaxSteps() + " must not be negative");
        }
        String modelName = models.resolveName(call.getModel());
        policy.checkModel(task, modelName);
        policy.checkAgentTools(task, modelName, call.getTools()); // the agent is offered only allowed tools
        models.model(modelName); // an unknown model fails the branch before any tool is looked up
        hedging.check(task, policy);
        Map<String, BraidTool> allowed = new LinkedHashMap<>();
        for (String name : call.getTools()) {
            allowed.put(name, tools.tool(name)); // an unknown or disabled tool fails the branch here, naming it
        }
        List<ToolSpecification> specifications = allowed.values().stream().map(BraidTool::specification).toList();

        List<ChatMessage> messages = new ArrayList<>();
        if (call.getSystemPrompt() != null) {
            messages.add(SystemMessage.from(Templates.fill(call.getSystemPrompt(), task)));
        }
        messages.add(UserMessage.from(Templates.fill(call.getPrompt(), task)));
        List<ToolInvocation> invocations = new ArrayList<>();
        Usage usage = new Usage();
        String providerModel = null;
        for (int step = 0; ; step++) {
            ChatRequest.Builder request = ChatRequest.builder().messages(messages);
            if (!specifications.isEmpty()) {
                request.toolSpecifications(specifications);
            }
            long start = System.nanoTime();
            ChatResponse response = hedging.chat(task, modelName, request.build());
            usage.add(response, System.nanoTime() - start);
            providerModel = response.modelName() != null ? response.modelName() : providerModel;
            AiMessage answer = response.aiMessage();
            messages.add(answer);
            if (!answer.hasToolExecutionRequests()) {
                return new BranchOutput(answer.text(), modelName, providerModel, usage.tokens(), usage.latency(),
                        invocations);
            }
            checkLimits(call.getMaxSteps(), step, answer.toolExecutionRequests().size(), invocations);
            List<ToolOutcome> outcomes = runTools(answer.toolExecutionRequests(), allowed);
            for (ToolOutcome outcome : outcomes) {
                invocations.add(outcome.invocation());
                messages.add(ToolExecutionResultMessage.from(outcome.request(), outcome.text()));
            }
        }
    }

    /** Throws when the agent's next tool step would pass its step limit or this worker's tool-call limit. */
    private void checkLimits(int jobMaxSteps, int step, int requested, List<ToolInvocation> invocations) {
        int maxSteps = Math.min(jobMaxSteps, limits.maxSteps());
        String calls = invocations.size() + " tool calls: " + invocations.stream().map(ToolInvocation::getName)
                .limit(20).toList();
        if (step >= maxSteps) {
            throw new AgentStepLimitException("agent still asked for tools after its " + maxSteps + " tool steps ("
                    + calls + "); " + (maxSteps < jobMaxSteps ? "that is this worker's limit "
                    + "(tools.agent.maxSteps; the job asked for " + jobMaxSteps + ")" : "raise maxSteps")
                    + " or narrow the prompt");
        }
        if (invocations.size() + requested > limits.maxToolCalls()) {
            throw new AgentStepLimitException("agent asked for " + requested + " more tool calls after its "
                    + calls + ", over this worker's limit of " + limits.maxToolCalls() + " per branch "
                    + "(tools.agent.maxToolCalls); narrow the prompt");
        }
    }

    /** Runs the requested tools, concurrently when there are several, in request order. */
    private static List<ToolOutcome> runTools(List<ToolExecutionRequest> requests, Map<String, BraidTool> allowed)
            throws InterruptedException {
        if (requests.size() == 1) {
            return List.of(runTool(requests.getFirst(), allowed));
        }
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ToolOutcome>> futures = new ArrayList<>();
            for (ToolExecutionRequest request : requests) {
                futures.add(calls.submit(BranchTracing.wrap(() -> runTool(request, allowed))));
            }
            List<ToolOutcome> outcomes = new ArrayList<>();
            try {
                for (Future<ToolOutcome> future : futures) {
                    outcomes.add(future.get());
                }
            } catch (InterruptedException e) {
                calls.shutdownNow();
                throw e;
            } catch (ExecutionException e) {
                throw new IllegalStateException("a tool call escaped its error handling", e.getCause());
            }
            return outcomes;
        }
    }

    private static ToolOutcome runTool(ToolExecutionRequest request, Map<String, BraidTool> allowed)
            throws InterruptedException {
        long start = System.nanoTime();
        String output = null;
        String error;
        BranchTracing.Traced traced = GenAiSpans.tool(request.name(), request.id());
        BraidTool tool = allowed.get(request.name());
        if (tool == null) {
            error = "tool '" + request.name() + "' is not available to this agent; it may call " + allowed.keySet();
        } else {
            try {
                JsonNode arguments = ToolArguments.parse(tool.specification(), request.arguments());
                output = tool.execute(arguments);
                error = null;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("agent interrupted while tool '" + request.name() + "' ran");
                }
                error = Redaction.scrub(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        traced.end(error);
        long durationMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        ToolInvocation invocation = ToolInvocation.newBuilder()
                .setName(request.name())
                .setArgumentsJson(request.arguments() == null ? "{}" : request.arguments())
                .setOutput(output == null ? null : output.length() <= RECORDED_OUTPUT_LIMIT ? output
                        : output.substring(0, RECORDED_OUTPUT_LIMIT) + "…")
                .setError(error)
                .setDurationMs(durationMs)
                .build();
        return new ToolOutcome(request, invocation, error == null ? output : "error: " + error);
    }

    private record ToolOutcome(ToolExecutionRequest request, ToolInvocation invocation, String text) {
    }

    /** Token usage and model time summed over an agent's turns. */
    private static final class Usage {
        private int input;
        private int output;
        private boolean reported;
        private long nanos;

        void add(ChatResponse response, long elapsedNanos) {
            nanos += elapsedNanos;
            TokenUsage usage = io.braid.worker.internal.flow.Tokens.usage(response.tokenUsage());
            if (usage != null) {
                reported = true;
                input += usage.getInputTokens();
                output += usage.getOutputTokens();
            }
        }

        TokenUsage tokens() {
            return reported ? new TokenUsage(input, output) : null;
        }

        Duration latency() {
            return Duration.ofNanos(nanos);
        }
    }

    /** The agent kept asking for tools past its step limit. */
    public static final class AgentStepLimitException extends NonRetriableException {
        public AgentStepLimitException(String message) {
            super(message);
        }
    }
}
