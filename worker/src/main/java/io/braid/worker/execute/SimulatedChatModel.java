package io.braid.worker.execute;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A <b>simulated</b> LLM for the embedded default, tests and benchmarks: no model runs. The answer is derived
 * deterministically from the prompt, always starts with {@value #LABEL}, and arrives after a latency drawn
 * from [minLatency, maxLatency] (seeded by the prompt, so the same prompt takes the same time).
 */
public final class SimulatedChatModel implements ChatModel {

    public static final String LABEL = "[simulated]";

    private final String name;
    private final Duration minLatency;
    private final Duration maxLatency;
    private final boolean outage;

    public SimulatedChatModel(String name, Duration minLatency, Duration maxLatency) {
        this(name, minLatency, maxLatency, false);
    }

    /** With {@code outage}, every call fails like a provider that is down (HTTP 503, retriable). */
    public SimulatedChatModel(String name, Duration minLatency, Duration maxLatency, boolean outage) {
        if (minLatency.isNegative() || maxLatency.compareTo(minLatency) < 0) {
            throw new IllegalArgumentException("simulated latency must satisfy 0 <= min (" + minLatency
                    + ") <= max (" + maxLatency + ")");
        }
        this.name = name;
        this.minLatency = minLatency;
        this.maxLatency = maxLatency;
        this.outage = outage;
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
        simulateLatency(random);
        String answer = LABEL + " model '" + name + "' answering \"" + abbreviate(user, 60) + "\" (#"
                + Integer.toHexString(prompt.hashCode()) + ")";
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(answer))
                .modelName(name)
                .tokenUsage(new TokenUsage(words(prompt), words(answer)))
                .finishReason(FinishReason.STOP)
                .build();
    }

    private void simulateLatency(SplittableRandom random) {
        long spread = maxLatency.toMillis() - minLatency.toMillis();
        long millis = minLatency.toMillis() + (spread == 0 ? 0 : random.nextLong(spread + 1));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("simulated model call interrupted", e);
        }
    }

    private static int words(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    private static String abbreviate(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }
}
