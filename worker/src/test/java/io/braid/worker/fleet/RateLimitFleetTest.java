package io.braid.worker.fleet;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.testing.FakeModelServer;
import io.braid.testing.TestKafka;
import io.braid.worker.Worker;
import io.braid.worker.WorkerConfig;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.RateLimitSpec;
import io.braid.worker.internal.config.ToolSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet-wide rate limit held by workers on a real broker, each taking its share from the share group's members,
 * against a real HTTP fake provider that timestamps every request: two workers, then a third joins mid-run.
 */
class RateLimitFleetTest {

    private static final long REQUESTS_PER_MINUTE = 1_200; // 20 a second for the whole fleet
    private static final Duration MEMBER_REFRESH = Duration.ofSeconds(1);
    private static final Duration ADAPTION = Duration.ofSeconds(4);
    private static final Duration WINDOW = Duration.ofSeconds(3);

    private static TestKafka kafka;
    private final ConcurrentLinkedQueue<Long> requestNanos = new ConcurrentLinkedQueue<>();
    private final FakeModelServer server = FakeModelServer.start().fallback(request -> {
        requestNanos.add(System.nanoTime());
        return FakeModelServer.openAiAnswer("gpt-fake", "ok", 3, 1).after(Duration.ofMillis(5));
    });
    private final List<Worker> workers = new ArrayList<>();
    private TaskTopics topics;

    @BeforeAll
    static void startKafka() {
        kafka = TestKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @AfterEach
    void stop() {
        workers.forEach(worker -> worker.shutdown(Duration.ZERO));
        server.close();
    }

    private void startWorker(String workerId) {
        WorkerConfig config = new WorkerConfig("fast", Map.of("fast", new ModelSpec(ModelProvider.OPENAI,
                server.baseUrl() + "/v1", "gpt-fake", null, null, null, null, null, Duration.ofSeconds(10), null,
                null)), ToolSettings.defaults(), null,
                Map.of("fast", new RateLimitSpec(REQUESTS_PER_MINUTE, null)), Map.of());
        WorkerOptions options = WorkerOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                .topics(topics.topics()).groupId(topics.topics().prefix() + "workers").workerId(workerId)
                .maxInFlight(32).recordsPerPoll(4).recordLockDuration(Duration.ofSeconds(60))
                .defaultTimeout(Duration.ofSeconds(20)).progressEvents(false).memberShareRefresh(MEMBER_REFRESH)
                .config(config).build();
        workers.add(Worker.start(options));
    }

    /** The most requests the fake provider saw in any {@link #WINDOW} starting at or after {@code fromNanos}. */
    private int busiestWindow(long fromNanos) {
        return SlidingWindows.busiest(requestNanos.stream().filter(t -> t >= fromNanos).sorted().toList(), WINDOW);
    }

    @Test
    void three_workers_hold_the_fleet_limit_after_a_third_joins_mid_run() {
        topics = new TaskTopics(kafka, "ratelimit.");
        int tasks = 400;
        startWorker("rl-1");
        startWorker("rl-2");
        List<BranchTask> all = IntStream.range(0, tasks)
                .mapToObj(i -> TaskTopics.llmTask("job-" + i, "b1", "fast", "prompt " + i, null, 1)).toList();
        topics.publish(all);
        await().atMost(Duration.ofSeconds(30)).until(() -> requestNanos.size() >= 120);

        long joined = System.nanoTime();
        startWorker("rl-3");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> topics.results().size() >= tasks);

        List<BranchResult> results = topics.results();
        assertThat(results).allMatch(r -> r.getStatus() == BranchStatus.SUCCEEDED);
        assertThat(results).as("the third worker took its share").anyMatch(r -> r.getWorkerId().equals("rl-3"));
        long perWindow = REQUESTS_PER_MINUTE * WINDOW.toSeconds() / 60;
        // the fleet aims at 95 % of the limit; each of three workers may run a fifth of a second (and one call) ahead
        double fleetPerSecond = REQUESTS_PER_MINUTE / 60.0 * 0.95;
        int bound = (int) (fleetPerSecond * (WINDOW.toMillis() + 200) / 1000.0) + 3;
        assertThat(bound).as("the bound is tight: at most the provider's window and a few calls").isLessThan(
                (int) perWindow + 5);
        assertThat(busiestWindow(joined + ADAPTION.toNanos())).as("requests in any %s after adapting", WINDOW)
                .isLessThanOrEqualTo(bound);
        long after = requestNanos.stream().filter(t -> t >= joined + ADAPTION.toNanos()).count();
        long last = requestNanos.stream().mapToLong(Long::longValue).max().orElseThrow();
        double seconds = (last - joined - ADAPTION.toNanos()) / 1e9;
        assertThat(after / seconds).as("the fleet still uses most of its limit (per second)")
                .isGreaterThan(REQUESTS_PER_MINUTE / 60.0 * 0.8);
    }

    @Test
    void one_worker_holds_hundreds_of_limited_priced_branches_in_flight_and_reports_the_flow_meters() {
        topics = new TaskTopics(kafka, "inflight.");
        WorkerConfig config = WorkerConfig.simulated("sim", Duration.ofSeconds(2), Duration.ofSeconds(2))
                .withFlow(Map.of("sim", new RateLimitSpec(1_000_000L, 100_000_000L)),
                        Map.of("sim", new io.braid.worker.internal.config.PriceSpec(1.0, 4.0)));
        Worker worker = Worker.start(WorkerOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                .topics(topics.topics()).groupId(topics.topics().prefix() + "workers").workerId("wide")
                .maxInFlight(300).recordsPerPoll(30).progressEvents(false).config(config).build());
        workers.add(worker);
        int tasks = 300;
        topics.publish(IntStream.range(0, tasks)
                .mapToObj(i -> TaskTopics.llmTask("wide-" + i, "b1", null, "wide " + i, null, 1)).toList());

        await().atMost(Duration.ofSeconds(60)).until(() -> worker.peakInFlight() >= 250);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> topics.results().size() >= tasks);

        assertThat(topics.results()).allSatisfy(result -> {
            assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
            assertThat(result.getUsage()).isNotNull();
            assertThat(result.getCost()).isEqualTo((result.getUsage().getInputTokens() * 1.0
                    + result.getUsage().getOutputTokens() * 4.0) / 1e6);
        });
        assertThat(worker.scrapeMetrics())
                .as("the default target: 95 % of the limits")
                .contains("braid_worker_model_rate_allowed{model=\"sim\",worker=\"wide\"} 950000.0")
                .contains("braid_worker_model_tokens_allowed{model=\"sim\",worker=\"wide\"} 9.5E7");
    }
}
