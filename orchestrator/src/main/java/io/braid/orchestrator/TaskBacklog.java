package io.braid.orchestrator;

import io.braid.schema.kafka.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The worker fleet's backlog: task records the share group has not finished — waiting or being worked on — on
 * the tasks topic. Per partition it is the share-partition lag Kafka reports for the group (records from the
 * share-partition start offset to the end of the log that are not yet acknowledged, KIP-932's
 * {@code listShareGroupOffsets}); before any worker joined, the whole topic counts. This is the number to scale
 * workers on: KEDA's Kafka scaler reads consumer-group offsets and does not see share groups, so the orchestrator
 * measures it and serves it ({@code braid_tasks_backlog} on /metrics, {@code GET /backlog}).
 */
public final class TaskBacklog implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskBacklog.class);

    /** One measurement: the total, per partition, and when. */
    public record Measurement(long total, Map<Integer, Long> partitions, Instant measuredAt) {
    }

    private final KafkaConnection kafka;
    private final String tasksTopic;
    private final String shareGroup;
    private final Duration interval;
    private final Clock clock;
    private final Thread thread;
    private volatile Measurement latest;
    private volatile boolean running = true;

    public TaskBacklog(KafkaConnection kafka, String tasksTopic, String shareGroup, Duration interval, Clock clock) {
        this.kafka = kafka;
        this.tasksTopic = tasksTopic;
        this.shareGroup = shareGroup;
        this.interval = interval;
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("braid-task-backlog").unstarted(this);
    }

    public TaskBacklog start() {
        thread.start();
        return this;
    }

    /** The latest measurement, or null before the first. */
    public Measurement latest() {
        return latest;
    }

    @Override
    public void run() {
        try (Admin admin = Admin.create(kafka.config(Map.of()))) {
            while (running) {
                try {
                    latest = measure(admin, tasksTopic, shareGroup, clock);
                } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                    log.warn("cannot measure the task backlog of share group {}: {}", shareGroup, e.toString());
                }
                Thread.sleep(interval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Measures the backlog of {@code shareGroup} on {@code tasksTopic} once, now (for diagnostics). */
    public static Measurement measureOnce(KafkaConnection kafka, String tasksTopic, String shareGroup, Clock clock)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        try (Admin admin = Admin.create(kafka.config(Map.of()))) {
            return measure(admin, tasksTopic, shareGroup, clock);
        }
    }

    /**
     * The backlog on {@code tasksTopic} and, when it exists, its HIGH-priority lane ({@code <tasksTopic>.high}, see
     * {@link io.braid.schema.Topics#tasksHigh()}): both count, per partition number summed over the two.
     */
    private static Measurement measure(Admin admin, String tasksTopic, String shareGroup, Clock clock)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        String highLane = tasksTopic + ".high";
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described = new HashMap<>(admin
                .describeTopics(List.of(tasksTopic)).allTopicNames().get(15, TimeUnit.SECONDS));
        if (admin.listTopics().names().get(15, TimeUnit.SECONDS).contains(highLane)) {
            described.putAll(admin.describeTopics(List.of(highLane)).allTopicNames().get(15, TimeUnit.SECONDS));
        }
        List<TopicPartition> partitions = described.values().stream().flatMap(topic -> topic.partitions().stream()
                .map(p -> new TopicPartition(topic.name(), p.partition()))).toList();
        Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, SharePartitionOffsetInfo> group = shareOffsets(admin, shareGroup, partitions);
        Map<TopicPartition, Long> starts = group.isEmpty() ? offsets(admin, partitions, OffsetSpec.earliest())
                : Map.of();
        Map<Integer, Long> perPartition = new TreeMap<>();
        long total = 0;
        for (TopicPartition partition : partitions) {
            SharePartitionOffsetInfo info = group.get(partition);
            long end = ends.getOrDefault(partition, 0L);
            long backlog = info != null ? info.lag().orElse(Math.max(0, end - info.startOffset()))
                    : Math.max(0, end - starts.getOrDefault(partition, end));
            perPartition.merge(partition.partition(), backlog, Long::sum);
            total += backlog;
        }
        return new Measurement(total, perPartition, clock.instant());
    }

    private static Map<TopicPartition, SharePartitionOffsetInfo> shareOffsets(Admin admin, String shareGroup,
                                                                             List<TopicPartition> partitions)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        try {
            Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(
                    Map.of(shareGroup, new ListShareGroupOffsetsSpec().topicPartitions(partitions)))
                    .partitionsToOffsetInfo(shareGroup).get(15, TimeUnit.SECONDS);
            Map<TopicPartition, SharePartitionOffsetInfo> known = new HashMap<>();
            offsets.forEach((partition, info) -> {
                if (info != null) {
                    known.put(partition, info);
                }
            });
            return known;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of(); // no worker has joined yet
            }
            throw e;
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get(15, TimeUnit.SECONDS)
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
