package io.braid.bench.internal;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.ChatModel;
import io.braid.worker.SimulatedModel;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * The parallelization pattern without Kafka: the same branches on the same simulated model, fanned out with
 * {@link CompletableFuture}s on virtual threads in one JVM and joined into a map. The floor for Braid's overhead.
 */
final class InProcessBaseline implements AutoCloseable {

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** Runs one job of {@code branches} simulated calls taking {@code latency} each; returns its wall time in ns. */
    long run(String jobId, int branches, Duration latency) {
        ChatModel model = SimulatedModel.of("simulated", latency, latency);
        long start = System.nanoTime();
        List<CompletableFuture<String>> calls = IntStream.rangeClosed(1, branches)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> model.chat(ChatRequest.builder()
                        .messages(UserMessage.from("branch " + i + " of " + jobId)).build()).aiMessage().text(),
                        threads))
                .toList();
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        Map<String, String> joined = new LinkedHashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            joined.put("b" + (i + 1), calls.get(i).join());
        }
        long wall = System.nanoTime() - start;
        if (joined.size() != branches) {
            throw new IllegalStateException("joined " + joined.size() + " of " + branches);
        }
        return wall;
    }

    @Override
    public void close() {
        threads.close();
    }
}
