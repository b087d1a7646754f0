package io.braid.worker.internal.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A <b>simulated</b> LLM for the embedded default, tests and benchmarks: no model runs. The answer is derived
 * deterministically from the prompt, always starts with {@value #LABEL}, and arrives after a latency drawn
 * from [minLatency, maxLatency] (seeded by the prompt, so the same prompt takes the same time). With a heavy tail
 * ({@code slowCallShare}), that share of calls takes {@code slowCallFactor} times as long; which calls are slow is
 * drawn from the prompt and the model's call count, so a second call of the same prompt (a hedge) is drawn anew and
 * the same sequence of calls is slow in the same places.
 *
 * <p>Offered tools (an AGENT branch), it plays the loop once so agents run offline: its first turn calls the
 * first offered tool whose required arguments are all strings, passing the user's prompt in each; once a tool
 * result is in the conversation it answers, quoting the start of each result. Asked to judge (a system prompt
 * naming a judge, candidates as "[id]" lines), it picks one by a hash of the prompt and says so.
 */
public final class SimulatedChatModel implements ChatModel {

    public static final String LABEL = "[simulated]";
    /** Calls at least this long stream their answer (shorter ones answer at once, as before). */
    static final Duration STREAM_FROM = Duration.ofSeconds(1);
    /** About how often a streaming call sends the next piece of its answer. */
    static final Duration STREAM_PIECE = Duration.ofMillis(250);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern CANDIDATE_LINE =
            java.util.regex.Pattern.compile("(?m)^\\[([^\\]\\s]+)]\\s*$");

    private final String name;
    private final Duration minLatency;
    private final Duration maxLatency;
    private final boolean outage;
    private final double slowCallShare;
    private final double slowCallFactor;
    private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();

    public SimulatedChatModel(String name, Duration minLatency, Duration maxLatency) {
        this(name, minLatency, maxLatency, false);
    }

    /** With {@code outage}, every call fails like a provider that is down (HTTP 503, retriable). */
    public SimulatedChatModel(String name, Duration minLatency, Duration maxLatency, boolean outage) {
        this(name, minLatency, maxLatency, outage, 0, 1);
    }

    /** With {@code slowCallShare} of the calls (0..1) taking {@code slowCallFactor} (≥ 1) times their latency. */
    public SimulatedChatModel(String name, Duration minLatency, Duration maxLatency, boolean outage,
                              double slowCallShare, double slowCallFactor) {
        if (minLatency.isNegative() || maxLatency.compareTo(minLatency) < 0) {
            throw new IllegalArgumentException("simulated latency must satisfy 0 <= min (" + minLatency
                    + ") <= max (" + maxLatency + ")");
        }
        if (!(slowCallShare >= 0 && slowCallShare <= 1) || !(slowCallFactor >= 1)) {
            throw new IllegalArgumentException("simulated slow calls need 0 <= share (" + slowCallShare
                    + ") <= 1 and factor (" + slowCallFactor + ") >= 1");
        }
        this.name = name;
        this.minLatency = minLatency;
        this.maxLatency = maxLatency;
        this.outage = outage;
        this.slowCallShare = slowCallShare;
        this.slowCallFactor = slowCallFactor;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        String system = "";
        String user = "";
        for (ChatMessage message : request.messages()) {
            if (message instanceof SystemMessage s) {
                system = s.text();
            } else if (message instanceof UserMessage u && u.hasSingleText()) {
                user = u.singleText();
            }
        }
        if (outage) {
            throw new dev.langchain4j.exception.InternalServerException(
                    "503 Service Unavailable: simulated provider outage of model '" + name + "'");
        }
        String prompt = system + "\n" + user;
        SplittableRandom random = new SplittableRandom(prompt.hashCode());
        double factor = nextCallSlow(prompt) ? slowCallFactor : 1;
        ChatResponse response = respond(request, system, user, prompt);
        simulateLatency(random, factor, response.finishReason() == FinishReason.STOP ? response.aiMessage().text()
                : null);
        return response;
    }

    /** The answer to {@code request}: a tool call, a judge's pick or a labelled echo of the prompt. */
    private ChatResponse respond(ChatRequest request, String system, String user, String prompt) {
        List<ToolExecutionResultMessage> toolResults = request.messages().stream()
                .filter(ToolExecutionResultMessage.class::isInstance).map(ToolExecutionResultMessage.class::cast)
                .toList();
        if (toolResults.isEmpty()) {
            Optional<ToolExecutionRequest> call = toolCall(request.toolSpecifications(), user);
            if (call.isPresent()) {
                return ChatResponse.builder()
                        .aiMessage(AiMessage.from(List.of(call.get())))
                        .modelName(name)
                        .tokenUsage(new TokenUsage(words(prompt), words(call.get().arguments())))
                        .finishReason(FinishReason.TOOL_EXECUTION)
                        .build();
            }
        }
        List<String> candidates = system.toLowerCase(java.util.Locale.ROOT).contains("judge") ? candidates(user)
                : List.of();
        if (candidates.size() > 1) {
            String pick = candidates.get(Math.floorMod(prompt.hashCode(), candidates.size()));
            String verdict = LABEL + " " + pick + " is the pick of simulated judge '" + name
                    + "' (chosen by a hash of the prompt, not by reading the candidates)";
            return ChatResponse.builder().aiMessage(AiMessage.from(verdict)).modelName(name)
                    .tokenUsage(new TokenUsage(words(prompt), words(verdict))).finishReason(FinishReason.STOP).build();
        }
        String answer = LABEL + " model '" + name + "' answering \"" + abbreviate(user, 60) + "\" (#"
                + Integer.toHexString(prompt.hashCode()) + ")" + toolResults.stream()
                .map(r -> " " + r.toolName() + " said: " + abbreviate(r.text(), 80))
                .reduce("", String::concat);
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(answer))
                .modelName(name)
                .tokenUsage(new TokenUsage(words(prompt), words(answer)))
                .finishReason(FinishReason.STOP)
                .build();
    }

    /** Whether this call of {@code prompt} is one of the slow share: drawn from the prompt and the call count. */
    boolean nextCallSlow(String prompt) {
        return slowCallShare > 0 && new SplittableRandom(prompt.hashCode() * 0x9E3779B97F4A7C15L
                + calls.getAndIncrement()).nextDouble() < slowCallShare;
    }

    /** The candidate ids of a judge prompt: lines that are just "[id]". */
    private static List<String> candidates(String user) {
        java.util.regex.Matcher matcher = CANDIDATE_LINE.matcher(user);
        List<String> ids = new java.util.ArrayList<>();
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }

    /** A call of the first tool whose required arguments are all strings, each given {@code user}. */
    private static Optional<ToolExecutionRequest> toolCall(List<ToolSpecification> tools, String user) {
        for (ToolSpecification tool : tools == null ? List.<ToolSpecification>of() : tools) {
            JsonObjectSchema parameters = tool.parameters();
            List<String> required = parameters == null || parameters.required() == null ? List.of()
                    : parameters.required();
            if (!required.isEmpty() && required.stream()
                    .allMatch(arg -> parameters.properties().get(arg) instanceof JsonStringSchema)) {
                ObjectNode arguments = JSON.createObjectNode();
                required.forEach(arg -> arguments.put(arg, abbreviate(user, 200)));
                return Optional.of(ToolExecutionRequest.builder().id("simulated-1").name(tool.name())
                        .arguments(arguments.toString()).build());
            }
        }
        return Optional.empty();
    }

    /**
     * Waits the call's drawn latency; a call of at least {@link #STREAM_FROM} streams {@code answer} (when it is text)
     * in pieces of words over that time, one piece per {@link #STREAM_PIECE}, the way a streaming provider would.
     */
    private void simulateLatency(SplittableRandom random, double factor, String answer) {
        long spread = maxLatency.toMillis() - minLatency.toMillis();
        long millis = (long) (factor * (minLatency.toMillis() + (spread == 0 ? 0 : random.nextLong(spread + 1))));
        if (answer != null && millis >= STREAM_FROM.toMillis() && PartialOutput.wanted()) {
            stream(answer, millis);
            return;
        }
        if (millis == 0) {
            // No wait, and no Thread.sleep(0) either: on a virtual thread that yields its carrier, a cost a no-op
            // branch should not pay. An interrupted call still fails as it would have in sleep.
            if (Thread.currentThread().isInterrupted()) {
                throw new RetriableException("simulated model call interrupted");
            }
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("simulated model call interrupted", e);
        }
    }

    private static void stream(String answer, long millis) {
        String[] words = answer.split("(?<= )");
        int pieces = (int) Math.max(1, Math.min(words.length, millis / STREAM_PIECE.toMillis()));
        try {
            for (int piece = 0; piece < pieces; piece++) {
                Thread.sleep(millis / pieces);
                StringBuilder text = new StringBuilder();
                for (int w = piece * words.length / pieces; w < (piece + 1) * words.length / pieces; w++) {
                    text.append(words[w]);
                }
                PartialOutput.emit(text.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("simulated model call interrupted", e);
        }
    }

    /** The words of {@code text}: runs of non-whitespace (regex {@code \s}) once it is trimmed. */
    static int words(String text) {
        String trimmed = text.trim();
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < trimmed.length(); i++) {
            boolean space = isSpace(trimmed.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }

    /** {@code text} on one line, each run of whitespace one space, trimmed, cut to {@code max} characters. */
    static String abbreviate(String text, int max) {
        StringBuilder flat = new StringBuilder(text.length());
        boolean inSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isSpace(c)) {
                flat.append(c);
            } else if (!inSpace) {
                flat.append(' ');
            }
            inSpace = isSpace(c);
        }
        String line = flat.toString().trim();
        return line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }

    /** What the regex {@code \s} matches. Scanned by hand: the simulated model runs for every no-op branch. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
