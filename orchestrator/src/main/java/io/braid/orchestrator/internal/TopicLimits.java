package io.braid.orchestrator.internal;

import io.braid.schema.RecordLimits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Existing topics sized to Braid's records: a topic that accepts smaller records than Braid may write would refuse
 * a manifest, a task or a result that passed every limit, so its {@code max.message.bytes} is raised at start-up.
 */
public final class TopicLimits {

    private static final Logger log = LoggerFactory.getLogger(TopicLimits.class);
    private static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    private TopicLimits() {
    }

    public static void raise(Admin admin, Collection<String> topics, RecordLimits limits) {
        if (topics.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = topics.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Collection<AlterConfigOp>> raises = new HashMap<>();
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            configs.forEach((resource, config) -> {
                ConfigEntry entry = config.get(MAX_MESSAGE_BYTES);
                long current = entry == null || entry.value() == null ? 0 : Long.parseLong(entry.value());
                if (current < limits.topicMaxMessageBytes()) {
                    log.info("raising {} of topic {} from {} to {} bytes (--record-bytes {})", MAX_MESSAGE_BYTES,
                            resource.name(), current, limits.topicMaxMessageBytes(), limits.recordBytes());
                    raises.put(resource, List.of(new AlterConfigOp(new ConfigEntry(MAX_MESSAGE_BYTES,
                            Integer.toString(limits.topicMaxMessageBytes())), AlterConfigOp.OpType.SET)));
                }
            });
            if (!raises.isEmpty()) {
                admin.incrementalAlterConfigs(raises).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot check or raise " + MAX_MESSAGE_BYTES + " of Braid's topics to "
                    + limits.topicMaxMessageBytes() + " bytes (" + e.getMessage() + "): raise it on topics "
                    + raises.keySet().stream().map(ConfigResource::name).toList() + " by hand, or lower "
                    + "--record-bytes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topic limits", e);
        }
    }
}
