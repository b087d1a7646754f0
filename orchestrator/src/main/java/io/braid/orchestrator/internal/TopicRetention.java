package io.braid.orchestrator.internal;

import io.braid.schema.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The shortest retention among the topics whose records an open job still needs: its request, manifest, tasks,
 * results and tenant slots. A record deleted before it is read leaves its job waiting for work nobody will do, so
 * no job may stay open longer than this ({@link #check}, and the dispatcher refuses longer deadlines).
 *
 * @param topic     the topic with the shortest retention, or null when every one keeps its records (retention.ms -1
 *                  or compaction only)
 * @param retention that topic's retention; {@link #UNLIMITED} when none deletes by time
 */
public record TopicRetention(String topic, Duration retention) {

    public static final Duration UNLIMITED = Duration.ofMillis(Long.MAX_VALUE);
    public static final TopicRetention NONE = new TopicRetention(null, UNLIMITED);

    /** The topics an open job still reads from: deleting their records early stalls the job. */
    public static List<String> workTopics(Topics topics) {
        return List.of(topics.jobs(), topics.manifests(), topics.tasks(), topics.tasksHigh(), topics.results(),
                topics.tenantSlots(), topics.tenantGrants());
    }

    /** Reads the retention of {@code topics}' work topics from the brokers. */
    public static TopicRetention read(Admin admin, Topics topics) {
        List<ConfigResource> resources = workTopics(topics).stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            return configs.entrySet().stream()
                    .map(entry -> of(entry.getKey().name(), entry.getValue()))
                    .min(Comparator.comparing(TopicRetention::retention))
                    .orElse(NONE);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read retention.ms of Braid's topics " + workTopics(topics)
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading topic retention", e);
        }
    }

    static TopicRetention of(String topic, Config config) {
        ConfigEntry policy = config.get("cleanup.policy");
        ConfigEntry entry = config.get("retention.ms");
        boolean deletes = policy == null || policy.value() == null || policy.value().contains("delete");
        long ms = entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
        return deletes && ms >= 0 ? new TopicRetention(topic, Duration.ofMillis(ms)) : NONE;
    }

    /** Whether every job's records outlive a deadline of {@code deadline}. */
    public boolean keeps(Duration deadline) {
        return deadline.compareTo(retention) <= 0;
    }

    /**
     * Refuses to start when even the default job deadline outlives the retention: jobs would stall with their tasks
     * deleted instead of ending.
     */
    public void check(Duration defaultDeadline) {
        if (!keeps(defaultDeadline)) {
            throw new IllegalStateException("topic " + topic + " keeps records for retention.ms " + retention.toMillis()
                    + " (" + retention + "), less than the default job deadline --default-job-deadline "
                    + defaultDeadline + ": a task or result waiting longer would be deleted before it is read and its "
                    + "job would stall. Raise retention.ms of " + topic + " to at least the deadline, or lower "
                    + "--default-job-deadline");
        }
    }

    /** The problem with a job deadline of {@code deadlineMs} that outlives this retention; null when it fits. */
    public String problem(long deadlineMs) {
        if (keeps(Duration.ofMillis(deadlineMs))) {
            return null;
        }
        return "completion.deadlineMs " + deadlineMs + " is longer than the retention of topic " + topic
                + " (retention.ms " + retention.toMillis() + "): the job's records could be deleted before they are "
                + "read; choose a deadline of at most " + retention.toMillis() + " ms";
    }
}
