package io.braid.worker.fleet;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.FakeModelServer;
import io.braid.testing.TestKafka;
import io.braid.worker.Worker;
import io.braid.worker.WorkerConfig;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.WorkerModule;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.ToolSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real worker on a real broker with an Anthropic-style model that streams ({@code stream: true}) against a local
 * fake of the Messages API: the branch's text goes out as BRANCH_OUTPUT events on the job-events topic while the
 * branch runs, and its result holds the whole output with the usage of the stream's final events.
 */
class StreamingFleetTest {

    private static TestKafka kafka;
    private final FakeModelServer server = FakeModelServer.start();
    private Worker worker;

    @BeforeAll
    static void startKafka() {
        kafka = TestKafka.start(Map.of());
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.shutdown(Duration.ZERO);
        }
        server.close();
    }

    @Test
    void a_streaming_anthropic_model_publishes_branch_output_and_the_result_holds_the_whole_answer(
            @TempDir Path dir) throws IOException {
        TaskTopics topics = new TaskTopics(kafka, "streaming.");
        Path key = Files.writeString(dir.resolve("anthropic-key"), "sk-ant-fake-key");
        ModelSpec claude = new ModelSpec(ModelProvider.ANTHROPIC, server.baseUrl() + "/v1/", "claude-fake", null,
                key.toString(), null, null, null, Duration.ofSeconds(10), null, null, null, null, true);
        server.enqueue(FakeModelServer.streamed("text/event-stream",
                FakeModelServer.anthropicStream("claude-fake", List.of("Hello ", "from ", "a stream"), 12, 5)));
        WorkerOptions options = WorkerOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                .topics(topics.topics())
                .groupId(topics.topics().prefix() + "workers")
                .workerId("worker-streaming")
                .config(new WorkerConfig("claude", Map.of("claude", claude), ToolSettings.defaults()))
                .build();
        worker = Worker.start(new WorkerModule(options));

        topics.publish(List.of(TaskTopics.llmTask("streamed", "b1", "claude", "say hello", null, 1)));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !topics.results().isEmpty());
        BranchResult result = topics.results().getFirst();
        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getOutput()).isEqualTo("Hello from a stream");
        assertThat(result.getUsage().getInputTokens()).isEqualTo(12);
        assertThat(result.getUsage().getOutputTokens()).isEqualTo(5);
        assertThat(server.received()).singleElement().satisfies(request ->
                assertThat(request.json().path("stream").asBoolean()).isTrue());

        List<JobEvent> outputs = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> branchOutputs(topics), events -> !events.isEmpty());
        assertThat(outputs).allSatisfy(event -> {
            assertThat(event.getJobId()).isEqualTo("streamed");
            assertThat(event.getBranchId()).isEqualTo("b1");
        });
        String streamed = String.join("", outputs.stream().map(JobEvent::getMessage).toList());
        assertThat(streamed).as("the pieces, in order, as far as the throttle let them out").startsWith("Hello ");
        assertThat("Hello from a stream").startsWith(streamed);
    }

    private static List<JobEvent> branchOutputs(TaskTopics topics) {
        return kafka.readAll(topics.topics().jobEvents(), new AvroDeserializer<>(kafka.registryClient(),
                        JobEvent.class)).stream().map(ConsumerRecord::value)
                .filter(event -> event.getType() == JobEventType.BRANCH_OUTPUT).toList();
    }
}
