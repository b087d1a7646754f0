package io.braid.orchestrator;

import io.braid.orchestrator.internal.TopicLimits;
import io.braid.orchestrator.internal.TopicRetention;

import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates Braid's topics when they are missing; existing topics are left as they are. */
public final class TopicSetup {

    private TopicSetup() {
    }

    /**
     * The control topic keeps the latest command per job (compacted) and only for a day (delete): workers need
     * recent cancellations, not every job ever cancelled. The workers topic likewise keeps each worker's latest
     * status for a day, in segments of {@link #WORKERS_SEGMENT_MS} so compaction catches up with a heartbeat.
     */
    static Map<String, String> configs(Topics topics, String name, RecordLimits limits) {
        Map<String, String> configs = new java.util.HashMap<>(limits.topicConfig());
        if (name.equals(topics.control())) {
            configs.put("cleanup.policy", "compact,delete");
            configs.put("retention.ms", Long.toString(CONTROL_RETENTION_MS));
        }
        if (name.equals(topics.workers())) {
            configs.put("cleanup.policy", "compact,delete");
            configs.put("retention.ms", Long.toString(CONTROL_RETENTION_MS));
            configs.put("segment.ms", Long.toString(WORKERS_SEGMENT_MS));
        }
        return configs;
    }

    static final long CONTROL_RETENTION_MS = 24L * 60 * 60 * 1000;
    static final long WORKERS_SEGMENT_MS = 10L * 60 * 1000;

    /** The shortest retention among the topics an open job still reads (see {@link TopicRetention}). */
    static TopicRetention retention(KafkaConnection kafka, Topics topics) {
        try (Admin admin = Admin.create(kafka.config(Map.of()))) {
            return TopicRetention.read(admin, topics);
        }
    }

    public static void ensureTopics(KafkaConnection kafka, Topics topics, int partitions, short replicationFactor) {
        ensureTopics(kafka, topics, partitions, replicationFactor, RecordLimits.defaults());
    }

    /**
     * Creates the missing topics with record limits to match {@code limits}, and raises {@code max.message.bytes} of
     * existing ones that accept less (a record Braid may write must never be refused by its topic).
     */
    public static void ensureTopics(KafkaConnection kafka, Topics topics, int partitions, short replicationFactor,
                                    RecordLimits limits) {
        try (Admin admin = Admin.create(kafka.config(Map.of()))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.all().stream()
                    .filter(name -> !existing.contains(name))
                    .map(name -> new NewTopic(name, Optional.of(partitions), Optional.of(replicationFactor))
                            .configs(configs(topics, name, limits)))
                    .toList();
            TopicLimits.raise(admin, topics.all().stream().filter(existing::contains).toList(), limits);
            if (missing.isEmpty()) {
                return;
            }
            admin.createTopics(missing).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": "
                                + kafka.describe(e.getCause()), e.getCause());
                    }
                } catch (InterruptedException | TimeoutException e) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
                }
            });
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + kafka.describe(e.getCause()), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot list topics on " + kafka.bootstrapServers()
                    + " within 30 s; " + kafka.unreachableAdvice(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
