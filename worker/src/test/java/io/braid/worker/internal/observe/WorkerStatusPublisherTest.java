package io.braid.worker.internal.observe;

import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.ModelFlowState;
import io.braid.schema.Topics;
import io.braid.schema.WorkerState;
import io.braid.schema.WorkerStatus;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.Worker;
import io.braid.worker.WorkerConfig;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.RateLimitSpec;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.flow.FlowListener;
import io.braid.worker.internal.flow.ModelFlow;
import io.braid.worker.internal.models.ModelRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.braid.testing.JobFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What a worker's status says, and that publishing it never fails the worker. */
class WorkerStatusPublisherTest {

    private final ManualClock clock = new ManualClock(T0);
    private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final WorkerMetrics metrics = new WorkerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            "worker-1", 16);
    private final AtomicReference<Worker.State> state = new AtomicReference<>(Worker.State.RUNNING);
    private final WorkerConfig config = new WorkerConfig("fast", Map.of("fast", ModelSpec.simulated(Duration.ZERO,
            Duration.ZERO), "open", ModelSpec.simulated(Duration.ZERO, Duration.ZERO)), ToolSettings.defaults(), null,
            Map.of("fast", new RateLimitSpec(600L, 100_000L)), Map.of());
    private final ModelFlow flow = new ModelFlow(config, clock, clock::advance, FlowListener.NONE);
    private final WorkerOptions options = WorkerOptions.builder("localhost:9092", "http://localhost:8081")
            .workerId("worker-1").maxInFlight(16).statusInterval(Duration.ofSeconds(1)).clock(clock).config(config)
            .build();

    private WorkerStatusPublisher publisher(MockProducer<String, byte[]> to) {
        return new WorkerStatusPublisher(options, new AvroSerializer<>(schemas), to, metrics, flow, state::get);
    }

    private List<WorkerStatus> published() {
        AvroDeserializer<WorkerStatus> statuses = new AvroDeserializer<>(schemas, WorkerStatus.class);
        return producer.history().stream().map(record -> {
            assertThat(record.topic()).isEqualTo(Topics.defaults().workers());
            assertThat(record.key()).isEqualTo("worker-1");
            return statuses.deserialize(record.topic(), record.value());
        }).toList();
    }

    /** A model answering 429 always, after checking what the status says of it while its call runs. */
    private ModelRegistry refusing(AtomicReference<WorkerStatus> during, WorkerStatusPublisher publisher) {
        ChatModel refuses = new ChatModel() {
            @Override
            public ChatResponse chat(ChatRequest request) {
                during.set(publisher.snapshot(WorkerState.RUNNING));
                throw new RateLimitException("slow down");
            }
        };
        return flow.wrap(new ModelRegistry(Map.of("fast", refuses, "open", refuses), "fast"));
    }

    @Test
    void the_status_says_in_flight_finished_failed_and_each_models_rate_limit_state() {
        WorkerStatusPublisher publisher = publisher(producer);
        metrics.taskTaken();
        metrics.taskTaken();
        BranchResult failed = JobFixtures.succeeded("job-1", "b1", "x");
        failed.setStatus(BranchStatus.FAILED);
        metrics.finished(failed);
        metrics.finished(JobFixtures.succeeded("job-1", "b2", "y"));
        AtomicReference<WorkerStatus> during = new AtomicReference<>();
        ModelRegistry models = refusing(during, publisher);

        assertThatThrownBy(() -> models.model("fast").chat("hello")).isInstanceOf(RateLimitException.class);
        assertThat(during.get().getModels()).filteredOn(m -> m.getModel().equals("fast"))
                .extracting(ModelFlowState::getInFlightCalls).containsExactly(1);
        WorkerStatus status = publisher.snapshot(WorkerState.DRAINING);

        assertThat(status.getWorkerId()).isEqualTo("worker-1");
        assertThat(status.getState()).isEqualTo(WorkerState.DRAINING);
        assertThat(status.getInFlight()).isEqualTo(2);
        assertThat(status.getMaxInFlight()).isEqualTo(16);
        assertThat(status.getBranchesFinished()).isEqualTo(2);
        assertThat(status.getBranchesFailed()).isEqualTo(1);
        assertThat(status.getIntervalMs()).isEqualTo(1_000);
        assertThat(status.getSentAt()).isEqualTo(clock.instant());
        assertThat(status.getHost()).contains("pid " + ProcessHandle.current().pid());
        assertThat(status.getModels()).extracting(ModelFlowState::getModel).containsExactly("fast");
        ModelFlowState fast = status.getModels().getFirst();
        assertThat(fast.getRateLimited()).isEqualTo(1);
        assertThat(fast.getInFlightCalls()).isZero();
        assertThat(fast.getFactor()).isEqualTo(0.5);
        assertThat(fast.getAllowedRequestsPerMinute()).isCloseTo(600 * 0.95 * 0.5, org.assertj.core.data.Offset
                .offset(0.01));
        assertThat(fast.getAllowedTokensPerMinute()).isNotNull();
        assertThat(fast.getCoolingUntil()).isAfter(clock.instant());
        assertThat(fast.getWaitingCalls()).isZero();
    }

    @Test
    void a_model_without_a_limit_is_listed_once_called_with_no_rates() {
        WorkerStatusPublisher publisher = publisher(producer);
        ModelRegistry models = refusing(new AtomicReference<>(), publisher);

        assertThatThrownBy(() -> models.model("open").chat("hello")).isInstanceOf(RateLimitException.class);

        ModelFlowState open = publisher.snapshot(WorkerState.RUNNING).getModels().get(1);
        assertThat(open.getModel()).isEqualTo("open");
        assertThat(open.getRateLimited()).isEqualTo(1);
        assertThat(open.getAllowedRequestsPerMinute()).isNull();
        assertThat(open.getFactor()).isNull();
        assertThat(open.getCoolingUntil()).isNull();
    }

    @Test
    void publishes_every_interval_on_its_own_thread_and_a_last_stopping_status() {
        WorkerStatusPublisher publisher = publisher(producer).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() >= 2);
        state.set(Worker.State.DRAINING);
        await().atMost(Duration.ofSeconds(10)).until(() -> published().getLast().getState() == WorkerState.DRAINING);

        publisher.close();

        assertThat(published().getFirst().getState()).isEqualTo(WorkerState.RUNNING);
        assertThat(published().getLast().getState()).isEqualTo(WorkerState.STOPPING);
        int sent = producer.history().size();
        publisher.close(); // twice is harmless
        assertThat(producer.history()).hasSize(sent);
    }

    @Test
    void a_producer_that_fails_never_throws_to_the_worker() {
        MockProducer<String, byte[]> failing = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        WorkerStatusPublisher publisher = publisher(failing);

        publisher.publish(WorkerState.RUNNING);
        failing.errorNext(new KafkaException("the broker is down"));
        failing.close();
        publisher.publish(WorkerState.RUNNING); // send() on a closed producer throws: swallowed

        publisher.close();
        assertThat(failing.history()).hasSize(1);
    }
}
