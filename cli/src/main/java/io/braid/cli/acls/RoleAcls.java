package io.braid.cli.acls;

import io.braid.schema.GroupIds;

import io.braid.orchestrator.OrchestratorOptions;
import io.braid.registry.RegistryOptions;
import io.braid.schema.Topics;
import io.braid.worker.WorkerOptions;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Kafka ACLs each of Braid's roles needs on a cluster that enforces them, and nothing more:
 * <ul>
 *   <li>{@link Role#SUBMITTER}: writes job requests; reads job results and progress events (of every job on the
 *       topics: give tenants who must not see each other their own {@code --topic-prefix});</li>
 *   <li>{@link Role#WORKER}: takes tasks through its share group (and sets that group's start offset, isolation
 *       and record lock); writes results, progress events, dead-lettered tasks and its status (the workers topic);
 *       reads control commands;</li>
 *   <li>{@link Role#ORCHESTRATOR}: every Braid topic (it creates them), its dispatcher's consumer group and
 *       transactional ids, the aggregator's Kafka Streams group, internal topics and transactional ids, and the
 *       workers' share group's offsets (the task backlog);</li>
 *   <li>{@link Role#OPERATOR}: writes control commands (cancel, replay); reads the dead-letter topics, job results
 *       and events;</li>
 *   <li>{@link Role#REGISTRY}: the embedded schema registry's store topic.</li>
 * </ul>
 * Everything is allowed by name; no role gets a wildcard or a cluster-wide permission.
 *
 * @param topics      the topics' names (their prefix)
 * @param workerGroup the workers' share group
 * @param storeTopic  the embedded registry's store topic
 */
public record RoleAcls(Topics topics, String workerGroup, String storeTopic) {

    /** A role a principal plays. */
    public enum Role {
        SUBMITTER, WORKER, ORCHESTRATOR, OPERATOR, REGISTRY;

        /** The role named {@code name}, in any case; the error lists the roles. */
        public static Role named(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown role '" + name + "'; the roles are "
                        + Stream.of(values()).map(r -> r.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")));
            }
        }
    }

    public RoleAcls {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(workerGroup, "workerGroup");
        Objects.requireNonNull(storeTopic, "storeTopic");
    }

    /** Braid's default names. */
    public static RoleAcls defaults(Topics topics) {
        return new RoleAcls(topics, GroupIds.WORKERS, RegistryOptions.DEFAULT_STORE_TOPIC);
    }

    /**
     * The ACLs that let {@code principal} (e.g. {@code User:braid-worker}, as the broker names the SASL user or
     * the certificate) play {@code role}, allowed from any host.
     */
    public List<AclBinding> bindings(Role role, String principal) {
        if (!principal.matches("[A-Za-z]+:.+")) {
            throw new IllegalArgumentException("principal '" + principal + "' needs its type, e.g. User:" + principal);
        }
        Grants grants = new Grants(principal);
        switch (role) {
            case SUBMITTER -> {
                grants.topic(topics.jobs(), AclOperation.WRITE, AclOperation.DESCRIBE);
                grants.topic(topics.jobResults(), AclOperation.READ, AclOperation.DESCRIBE);
                grants.topic(topics.jobEvents(), AclOperation.READ, AclOperation.DESCRIBE);
            }
            case WORKER -> {
                grants.topic(topics.tasks(), AclOperation.READ, AclOperation.DESCRIBE);
                grants.topic(topics.tasksHigh(), AclOperation.READ, AclOperation.DESCRIBE);
                grants.group(workerGroup, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.ALTER_CONFIGS);
                for (String topic : List.of(topics.results(), topics.jobEvents(), topics.tasksDeadLetter(),
                        topics.workers())) {
                    grants.topic(topic, AclOperation.WRITE, AclOperation.DESCRIBE);
                }
                grants.topic(topics.control(), AclOperation.READ, AclOperation.DESCRIBE);
            }
            case ORCHESTRATOR -> orchestrator(grants);
            case OPERATOR -> {
                grants.topic(topics.control(), AclOperation.WRITE, AclOperation.DESCRIBE);
                for (String topic : List.of(topics.tasksDeadLetter(), topics.jobsDeadLetter(),
                        topics.aggregatorDeadLetter(), topics.jobResults(), topics.jobEvents())) {
                    grants.topic(topic, AclOperation.READ, AclOperation.DESCRIBE);
                }
            }
            case REGISTRY -> grants.topic(storeTopic, AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE,
                    AclOperation.DESCRIBE);
        }
        return grants.bindings;
    }

    private void orchestrator(Grants grants) {
        String aggregator = GroupIds.AGGREGATOR;
        String dispatcher = GroupIds.DISPATCHER;
        if (topics.prefix().isEmpty()) {
            topics.all().forEach(topic -> grants.topic(topic, AclOperation.ALL));
        } else {
            grants.prefixed(ResourceType.TOPIC, topics.prefix(), AclOperation.ALL);
        }
        grants.prefixed(ResourceType.TOPIC, aggregator + "-", AclOperation.ALL);
        grants.group(dispatcher, AclOperation.READ, AclOperation.DESCRIBE);
        grants.group(aggregator, AclOperation.READ, AclOperation.DESCRIBE);
        grants.group(workerGroup, AclOperation.DESCRIBE);
        grants.prefixed(ResourceType.TRANSACTIONAL_ID, dispatcher + "-", AclOperation.WRITE, AclOperation.DESCRIBE);
        grants.prefixed(ResourceType.TRANSACTIONAL_ID, aggregator + "-", AclOperation.WRITE, AclOperation.DESCRIBE);
    }

    /**
     * One {@code kafka-acls.sh} command line per binding, for those who create ACLs with Kafka's own tools.
     *
     * @param bootstrapServers what {@code --bootstrap-server} names
     * @param commandConfig    the administrator's client properties file ({@code --command-config})
     */
    public static List<String> kafkaAclsCommands(List<AclBinding> bindings, String bootstrapServers,
                                                 String commandConfig) {
        return bindings.stream().map(binding -> "kafka-acls.sh --bootstrap-server " + bootstrapServers
                + " --command-config " + commandConfig + " --add --allow-principal "
                + binding.entry().principal() + " --operation " + camelCase(binding.entry().operation().name())
                + " " + resourceOption(binding.pattern())).toList();
    }

    private static String resourceOption(ResourcePattern pattern) {
        String option = switch (pattern.resourceType()) {
            case TOPIC -> "--topic ";
            case GROUP -> "--group ";
            case TRANSACTIONAL_ID -> "--transactional-id ";
            default -> throw new IllegalArgumentException("no kafka-acls.sh option for " + pattern.resourceType());
        };
        return option + pattern.name()
                + (pattern.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }

    /** {@code ALTER_CONFIGS} → {@code AlterConfigs}, as kafka-acls.sh spells operations. */
    private static String camelCase(String name) {
        StringBuilder out = new StringBuilder();
        for (String word : name.split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    /** Collects allow-bindings for one principal. */
    private static final class Grants {
        private final String principal;
        private final List<AclBinding> bindings = new ArrayList<>();

        Grants(String principal) {
            this.principal = principal;
        }

        void topic(String name, AclOperation... operations) {
            add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operations);
        }

        void group(String name, AclOperation... operations) {
            add(new ResourcePattern(ResourceType.GROUP, name, PatternType.LITERAL), operations);
        }

        void prefixed(ResourceType type, String prefix, AclOperation... operations) {
            add(new ResourcePattern(type, prefix, PatternType.PREFIXED), operations);
        }

        private void add(ResourcePattern pattern, AclOperation... operations) {
            for (AclOperation operation : operations) {
                bindings.add(new AclBinding(pattern,
                        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
        }
    }
}
