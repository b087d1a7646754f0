package io.braid.worker;

import dev.langchain4j.model.chat.ChatModel;
import io.braid.worker.internal.models.SimulatedChatModel;

import java.time.Duration;

/**
 * The simulated model workers run when no model is configured: answers labelled {@code [simulated]} after a random
 * latency in a range, no provider called. For demos, tests and in-process baselines.
 */
public final class SimulatedModel {

    private SimulatedModel() {
    }

    /** A simulated chat model named {@code name} answering after {@code minLatency}..{@code maxLatency}. */
    public static ChatModel of(String name, Duration minLatency, Duration maxLatency) {
        return new SimulatedChatModel(name, minLatency, maxLatency);
    }
}
