package io.braid.worker.fleet;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.testing.TestKafka;
import io.braid.worker.Worker;
import io.braid.worker.WorkerHealth;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.WorkerModule;
import io.braid.worker.internal.consume.GroupRefusals;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet whose share consumers outnumber the broker's {@code group.share.max.size} (4 here): the refused consumers
 * do not kill their worker, which serves with those that joined, says why, counts them, and joins when room appears.
 */
class GroupFullFleetTest {

    private static final String GROUP = "full.workers";

    private final List<Worker> workers = new ArrayList<>();
    private TestKafka kafka;
    private TaskTopics topics;

    /** A worker with {@code consumers} share consumers (one record per poll), retrying a full group quickly. */
    private Worker startWorker(String workerId, int consumers) {
        WorkerOptions options = WorkerOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                .topics(topics.topics()).groupId(GROUP).workerId(workerId).maxInFlight(consumers).recordsPerPoll(1)
                .simulatedLatency(Duration.ofMillis(5), Duration.ofMillis(20)).httpPort(0).build();
        Worker worker = Worker.start(new WorkerModule(options) {
            @Override
            protected GroupRefusals.Retries groupFullRetries() {
                return new GroupRefusals.Retries(Duration.ofMillis(200), Duration.ofSeconds(1));
            }
        });
        workers.add(worker);
        return worker;
    }

    private static String metric(Worker worker, String name) {
        return worker.scrapeMetrics().lines().filter(line -> line.startsWith(name + "{")).findFirst()
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).orElse("absent");
    }

    private List<String> memberClientIds() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return admin.describeShareGroups(List.of(GROUP)).describedGroups().get(GROUP).get(10, TimeUnit.SECONDS)
                    .members().stream().map(ShareMemberDescription::clientId).sorted().toList();
        }
    }

    private void publishAndAwait(String job, int count) {
        List<BranchTask> tasks = IntStream.range(0, count)
                .mapToObj(i -> TaskTopics.llmTask(job, "b" + i, null, "hello " + i, null, null)).toList();
        int before = topics.results().size();
        topics.publish(tasks);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> topics.results().size() >= before + count);
        assertThat(topics.results().stream().filter(r -> r.getJobId().equals(job)).map(BranchResult::getStatus))
                .hasSize(count).containsOnly(BranchStatus.SUCCEEDED);
    }

    @Test
    void consumers_refused_by_a_full_share_group_are_counted_explained_and_join_when_room_appears() throws Exception {
        try (TestKafka broker = TestKafka.start(Map.of("group.share.max.size", "4"))) {
            kafka = broker;
            topics = new TaskTopics(kafka, "full.");
            try {
                fillTheGroupThenMakeRoom();
            } finally {
                workers.forEach(worker -> worker.shutdown(Duration.ZERO));
            }
        }
    }

    private void fillTheGroupThenMakeRoom() throws Exception {
        Worker first = startWorker("first", 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.health().ready());
        assertThat(memberClientIds()).as("ready means joined").containsExactly("first-0", "first-1");

        Worker second = startWorker("second", 4);
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(second, "braid_worker_share_consumers_refused")
                .equals("2.0") && second.health().ready());
        WorkerHealth health = second.health();
        assertThat(health.live()).as("a full group is no reason to restart the worker").isTrue();
        assertThat(health.problem()).contains("share group " + GROUP + " is full")
                .contains("refused 2 share consumers of this worker, which runs 4").contains("group.share.max.size")
                .contains("--records-per-poll");
        assertThat(metric(second, "braid_worker_share_consumers")).isEqualTo("4.0");
        assertThat(Double.parseDouble(metric(second, "braid_worker_share_group_refusals_total")))
                .as("refused tries, retried").isGreaterThanOrEqualTo(2);
        assertThat(memberClientIds()).hasSize(4).contains("first-0", "first-1");
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + second.httpPort().orElseThrow() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as("it serves with the two that joined").isEqualTo(200);
        assertThat(ready.body()).contains("group.share.max.size");

        publishAndAwait("while-full", 20);

        Worker third = startWorker("third", 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(third, "braid_worker_share_consumers_refused")
                .equals("1.0"));
        assertThat(third.health().ready()).as("no consumer joined").isFalse();
        assertThat(third.health().live()).isTrue();
        assertThat(third.health().problem()).contains("refused 1 share consumer of this worker, which runs 1");
        third.shutdown(Duration.ZERO);

        first.shutdown(Duration.ZERO);
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(second, "braid_worker_share_consumers_refused")
                .equals("0.0") && second.health().problem() == null);
        assertThat(second.health().ready()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> memberClientIds()
                .equals(List.of("second-0", "second-1", "second-2", "second-3")));
        publishAndAwait("after-room", 20);
    }
}
