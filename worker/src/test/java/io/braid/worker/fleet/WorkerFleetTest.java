package io.braid.worker.fleet;

import io.braid.schema.DeadLetterHeaders;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.TestKafka;
import io.braid.worker.RetryPolicy;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.consume.TaskHandler;
import io.braid.worker.internal.WorkerModule;
import io.braid.worker.internal.models.ModelRegistry;
import io.braid.worker.internal.models.SimulatedChatModel;
import io.braid.worker.internal.tools.ToolRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers on a real broker's share group, fed tasks directly: concurrency, retries, locks and shutdown. The
 * broker's default record lock is 2 s here, so a branch outliving it shows that the worker's own lock setting
 * is what keeps the record.
 */
class WorkerFleetTest {

    private static final Duration BROKER_DEFAULT_LOCK = Duration.ofSeconds(2);

    private static TestKafka kafka;
    private final ScriptedChatModel scripted = new ScriptedChatModel();
    private final List<Worker> workers = new ArrayList<>();
    private TaskTopics topics;

    @BeforeAll
    static void startKafka() {
        kafka = TestKafka.start(Map.of("group.share.record.lock.duration.ms",
                Long.toString(BROKER_DEFAULT_LOCK.toMillis())));
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(worker -> worker.shutdown(Duration.ZERO));
    }

    private void useTopics(String prefix) {
        topics = new TaskTopics(kafka, prefix);
    }

    private Worker startWorker(String workerId, UnaryOperator<WorkerOptions.Builder> settings) {
        WorkerOptions options = settings.apply(WorkerOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                .topics(topics.topics())
                .groupId(topics.topics().prefix() + "workers")
                .workerId(workerId)
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), 2.0, Duration.ofMillis(50)))).build();
        ModelRegistry models = new ModelRegistry(Map.of("scripted", scripted,
                "simulated", new SimulatedChatModel("simulated", options.simulatedLatencyMin(),
                        options.simulatedLatencyMax())), "simulated");
        ToolRegistry tools = ToolRegistry.builtIns();
        Worker worker = Worker.start(new WorkerModule(options) {
            @Override
            protected ModelRegistry models() {
                return models;
            }

            @Override
            protected ToolRegistry tools() {
                return tools;
            }
        });
        workers.add(worker);
        return worker;
    }

    private Map<String, BranchResult> awaitResults(int count, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> topics.results().size() >= count);
        List<BranchResult> results = topics.results();
        assertThat(results).as("one result per task").hasSize(count);
        return results.stream().collect(Collectors.toMap(r -> r.getJobId() + "/" + r.getBranchId(),
                Function.identity()));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void retriable_failures_are_retried_and_final_failures_become_failed_results_and_dead_letters() {
        useTopics("retry.");
        Worker worker = startWorker("worker-retry", w -> w);
        topics.publish(List.of(
                TaskTopics.llmTask("flaky", "b1", "scripted", "rate-limited 2 flaky", null, null),
                TaskTopics.llmTask("unauthorised", "b1", "scripted", "bad-key unauthorised", null, null),
                TaskTopics.llmTask("exhausted", "b1", "scripted", "rate-limited 9 exhausted", null, 2)));

        Map<String, BranchResult> results = awaitResults(3, Duration.ofSeconds(60));

        BranchResult flaky = results.get("flaky/b1");
        assertThat(flaky.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(flaky.getAttempt()).isEqualTo(3);
        assertThat(scripted.calls("rate-limited 2 flaky")).isEqualTo(3);

        BranchResult unauthorised = results.get("unauthorised/b1");
        assertThat(unauthorised.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(unauthorised.getAttempt()).isEqualTo(1);
        assertThat(unauthorised.getError().getErrorClass()).isEqualTo("AuthenticationException");
        assertThat(unauthorised.getError().getRetriable()).isFalse();
        assertThat(scripted.calls("bad-key unauthorised")).isEqualTo(1);

        BranchResult exhausted = results.get("exhausted/b1");
        assertThat(exhausted.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(exhausted.getAttempt()).as("the task's own max attempts").isEqualTo(2);
        assertThat(exhausted.getError().getRetriable()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> topics.deadLetters().size() == 2);
        Map<String, ConsumerRecord<String, byte[]>> deadLetters = topics.deadLetters().stream()
                .collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
        assertThat(deadLetters).containsOnlyKeys("unauthorised", "exhausted");
        ConsumerRecord<String, byte[]> dead = deadLetters.get("unauthorised");
        assertThat(header(dead, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("AuthenticationException");
        assertThat(header(dead, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("401 invalid API key");
        assertThat(header(dead, DeadLetterHeaders.ERROR_RETRIABLE)).isEqualTo("false");
        assertThat(header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        BranchTask original = new AvroDeserializer<>(kafka.registryClient(), BranchTask.class)
                .deserialize(topics.topics().tasksDeadLetter(), dead.value());
        assertThat(original.getBranch().getLlm().getUserPrompt()).isEqualTo("bad-key unauthorised");
        assertThat(header(deadLetters.get("exhausted"), DeadLetterHeaders.ATTEMPTS)).isEqualTo("2");

        String metrics = worker.scrapeMetrics();
        assertThat(metrics).contains("braid_worker_branches_retried_total{worker=\"worker-retry\"} 3.0")
                .contains("braid_worker_branches_finished_total{status=\"FAILED\",worker=\"worker-retry\"} 2.0")
                .contains("braid_worker_branches_finished_total{status=\"SUCCEEDED\",worker=\"worker-retry\"} 1.0")
                .contains("braid_worker_branches_dead_lettered_total{worker=\"worker-retry\"} 2.0");
    }

    @Test
    void tasks_of_an_aborted_transaction_never_run_and_the_committed_ones_after_them_do() {
        useTopics("aborted.");
        startWorker("worker-aborted", w -> w);
        // Both transactions write to partition 0: the aborted tasks come first in the log.
        topics.publishInTransaction(List.of(
                TaskTopics.llmTask("aborted", "b1", "scripted", "sleep 0 aborted-1", null, 1),
                TaskTopics.llmTask("aborted", "b2", "scripted", "sleep 0 aborted-2", null, 1)), false);
        topics.publishInTransaction(List.of(
                TaskTopics.llmTask("committed", "b1", "scripted", "sleep 0 committed", null, 1)), true);

        Map<String, BranchResult> results = awaitResults(1, Duration.ofSeconds(60));

        assertThat(results).containsOnlyKeys("committed/b1");
        assertThat(scripted.calls("sleep 0 aborted-1") + scripted.calls("sleep 0 aborted-2"))
                .as("calls made for the aborted dispatch").isZero();
    }

    @Test
    void a_branch_running_longer_than_the_brokers_default_record_lock_runs_exactly_once() {
        useTopics("long.");
        // Two workers compete for the record; the worker's group lock (20 s) outlasts the 5 s branch.
        startWorker("worker-long-1", w -> w.recordLockDuration(Duration.ofSeconds(20))
                .defaultTimeout(Duration.ofSeconds(10)));
        startWorker("worker-long-2", w -> w.recordLockDuration(Duration.ofSeconds(20))
                .defaultTimeout(Duration.ofSeconds(10)));
        String prompt = "sleep 5000 long";
        topics.publish(List.of(TaskTopics.llmTask("long", "b1", "scripted", prompt, null, 1)));

        BranchResult result = awaitResults(1, Duration.ofSeconds(60)).get("long/b1");

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(Duration.between(result.getStartedAt(), result.getFinishedAt()))
                .isGreaterThan(BROKER_DEFAULT_LOCK.multipliedBy(2));
        // Past the broker's default lock twice over and after the result: still one execution, one result.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> scripted.calls(prompt) == 1 && topics.results().size() == 1);
    }

    @Test
    void a_task_timeout_longer_than_the_record_lock_is_cut_to_fit_it_and_the_branch_is_not_run_twice() {
        useTopics("stuck.");
        startWorker("worker-stuck", w -> w.recordLockDuration(Duration.ofSeconds(4))
                .defaultTimeout(Duration.ofSeconds(2)));
        String prompt = "sleep 600000 stuck";
        topics.publish(List.of(TaskTopics.llmTask("stuck", "b1", "scripted", prompt, 60_000L, 1)));

        BranchResult result = awaitResults(1, Duration.ofSeconds(60)).get("stuck/b1");

        assertThat(result.getStatus()).isEqualTo(BranchStatus.TIMED_OUT);
        assertThat(result.getError().getMessage()).contains("shortened from 60000 ms to fit the record lock");
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .until(() -> scripted.calls(prompt) == 1 && topics.results().size() == 1);
    }

    @Test
    void one_worker_keeps_a_thousand_one_second_branches_in_flight() {
        useTopics("wide.");
        Worker worker = startWorker("worker-wide", w -> w.maxInFlight(1200).recordsPerPoll(75)
                .simulatedLatency(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        int tasks = 4000;
        topics.publish(IntStream.range(0, tasks)
                .mapToObj(i -> TaskTopics.llmTask("wide-" + (i / 10), "b" + (i % 10), null, "wide " + i, null, null))
                .toList());

        await().atMost(Duration.ofSeconds(60)).until(() -> worker.peakInFlight() >= 1000);
        Map<String, BranchResult> results = awaitResults(tasks, Duration.ofSeconds(90));

        assertThat(worker.peakInFlight()).isLessThanOrEqualTo(1200);
        assertThat(results.values()).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(BranchStatus.SUCCEEDED));
    }

    @Test
    void shutdown_lets_running_branches_finish_in_the_grace_period_and_releases_the_rest_to_other_workers()
            throws Exception {
        useTopics("drain.");
        Worker leaving = startWorker("worker-leaving", w -> w.maxInFlight(8).recordsPerPoll(8).httpPort(0));
        List<BranchTask> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(TaskTopics.llmTask("drain", "quick" + i, "scripted", "sleep 300 quick" + i, null, 1));
            tasks.add(TaskTopics.llmTask("drain", "slow" + i, "scripted", "sleep 4000 slow" + i, null, 1));
        }
        topics.publish(tasks);
        await().atMost(Duration.ofSeconds(30)).until(() -> leaving.inFlight() == 8);
        Worker staying = startWorker("worker-staying", w -> w);
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.1:" + leaving.httpPort().orElseThrow() + "/health/ready");
        assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);

        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> leaving.shutdown(Duration.ofSeconds(1)));
        await().atMost(Duration.ofSeconds(5)).until(() -> leaving.state() != Worker.State.RUNNING);
        assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("not ready while draining").isEqualTo(503);
        Map<String, BranchResult> results = awaitResults(8, Duration.ofSeconds(60));
        shutdown.get();

        for (int i = 0; i < 4; i++) {
            assertThat(results.get("drain/quick" + i).getWorkerId()).as("finished within the grace")
                    .isEqualTo("worker-leaving");
            assertThat(results.get("drain/slow" + i).getWorkerId()).as("released, then run elsewhere")
                    .isEqualTo("worker-staying");
            assertThat(results.get("drain/slow" + i).getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        }
        assertThat(leaving.state()).isEqualTo(Worker.State.STOPPED);
        assertThat(staying.health().ready()).isTrue();
    }
}
