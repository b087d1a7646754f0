package io.braid.bench.internal;

import io.braid.schema.GroupIds;

import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.TaskBacklog;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.worker.WorkerOptions;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/** Where the work of a fleet that stopped producing results is, for a failed run's message. */
final class StallDiagnosis {

    private StallDiagnosis() {
    }

    /**
     * What a fleet that stopped producing results is holding, for the failure message: the task records the share
     * group has not acknowledged per partition, the branches each worker runs, the jobs the aggregator holds.
     * Records unacknowledged while no worker runs anything are records acquired and never acknowledged, which the
     * broker hands out again only when their lock expires.
     */
    static String whereTheWorkIs(LocalFleet fleet) {
        String backlog;
        try {
            TaskBacklog.Measurement measured = TaskBacklog.measureOnce(KafkaConnection.plain(fleet.bootstrapServers()),
                    fleet.topics().tasks(), GroupIds.WORKERS, Clock.systemUTC());
            backlog = measured.total() + " task records unacknowledged, by partition " + measured.partitions();
        } catch (Exception e) {
            backlog = "the task backlog could not be measured (" + e + ")";
        }
        return backlog + "; branches running per worker " + fleet.workers().stream()
                .map(w -> w.workerId() + "=" + w.inFlight()).toList() + "; jobs the aggregator holds "
                + fleet.orchestrator().heldJobs();
    }

    /**
     * For jobs whose results never arrived: how many there are, and for the first few what the aggregator holds
     * (its status view: which branches it has results for) and how many branch results the results topic has for
     * them. Results on the topic that the aggregator does not show were lost between the two.
     */
    static String whyJobsAreMissing(LocalFleet fleet, List<String> missing) {
        if (missing.isEmpty()) {
            return "no job is missing a result";
        }
        List<String> sample = missing.subList(0, Math.min(3, missing.size()));
        Map<String, Integer> onTopic = new TreeMap<>();
        sample.forEach(id -> onTopic.put(id, 0));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(fleet.topics().results()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> onTopic.computeIfPresent(record.key(),
                        (id, count) -> count + 1));
            }
        } catch (RuntimeException e) {
            return missing.size() + " jobs without a result; the results topic could not be read (" + e + ")";
        }
        StringBuilder out = new StringBuilder(missing.size() + " jobs without a result; the first of them:");
        for (String jobId : sample) {
            out.append(" [").append(jobId).append(": ").append(onTopic.get(jobId))
                    .append(" branch results on the topic; the aggregator holds ").append(heldState(fleet, jobId))
                    .append(']');
        }
        return out.toString();
    }

    /** What the fleet's aggregator says of a job (GET /jobs/{id} on its status server). */
    private static String heldState(LocalFleet fleet, String jobId) {
        OptionalInt port = fleet.orchestrator().httpPort();
        if (port.isEmpty()) {
            return "(no status server)";
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port.getAsInt() + "/jobs/" + jobId))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return "HTTP " + response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "(status not readable: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
