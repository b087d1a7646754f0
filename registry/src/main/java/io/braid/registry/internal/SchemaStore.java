package io.braid.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.kafka.KafkaConnection;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Registered schemas, kept in memory and persisted as one record per (subject, version) in a compacted,
 * single-partition Kafka topic. Before every write the store reads the topic to its end, so ids stay unique
 * even after another instance wrote to the same topic.
 */
public final class SchemaStore implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    /** One version of a subject. */
    public record Version(String subject, int version, int id, String schema) {
    }

    private final String topic;
    private final TopicPartition partition;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Map<String, List<Version>> versionsBySubject = new TreeMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private int maxId;
    private String globalLevel = CompatibilityLevel.BACKWARD.name();
    private final Map<String, String> subjectLevels = new HashMap<>();

    private SchemaStore(String topic, KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.consumer = consumer;
        this.producer = producer;
    }

    /** Creates the store topic when missing and loads every stored schema. */
    public static SchemaStore open(KafkaConnection kafka, String topic) {
        createTopic(kafka, topic);
        Map<String, Object> consumerConfig = kafka.config(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        Map<String, Object> producerConfig = kafka.config(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        SchemaStore store = new SchemaStore(topic,
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer()),
                new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer()));
        try {
            store.consumer.assign(List.of(store.partition));
            store.consumer.seekToBeginning(List.of(store.partition));
            store.catchUp();
        } catch (KafkaException e) {
            store.close();
            throw new IllegalStateException("cannot read the schema store topic " + topic + ": "
                    + kafka.describe(e), e);
        }
        return store;
    }

    private static void createTopic(KafkaConnection kafka, String topic) {
        try (Admin admin = Admin.create(kafka.config(Map.of()))) {
            NewTopic newTopic = new NewTopic(topic, 1, (short) -1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(newTopic)).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the schema store topic " + topic + ": "
                        + kafka.describe(e.getCause()), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " did not answer within "
                    + KAFKA_TIMEOUT.toSeconds() + " s while creating " + topic + "; " + kafka.unreachableAdvice(), e);
        }
    }

    /**
     * Registers {@code schemaText} under {@code subject}: returns the existing version when the subject already
     * has this schema, otherwise checks it against the subject's compatibility level (default BACKWARD) and stores
     * a new version.
     */
    public synchronized Version register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        catchUp();
        List<Version> versions = versionsBySubject.getOrDefault(subject, List.of());
        for (Version existing : versions) {
            if (existing.schema().equals(canonical)) {
                return existing;
            }
        }
        CompatibilityLevel level = level(subject);
        List<String> problems = level.problems(schema, versions.stream().map(v -> parse(v.schema())).toList());
        if (!problems.isEmpty()) {
            throw new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema for "
                    + "subject \"" + subject + "\" (" + level + "): " + String.join("; ", problems));
        }
        int id = idsBySchema.getOrDefault(canonical, maxId + 1);
        Version version = new Version(subject, versions.size() + 1, id, canonical);
        write(version);
        apply(version);
        return version;
    }

    /** The version of {@code subject} holding {@code schemaText}, if registered there. */
    public synchronized Optional<Version> lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        return versionsBySubject.getOrDefault(subject, List.of()).stream()
                .filter(v -> v.schema().equals(canonical)).findFirst();
    }

    /**
     * Why {@code schemaText} is not compatible with {@code subject} at its level: against version {@code version}
     * only, or, when null, against the versions the level considers. Empty when compatible.
     */
    public synchronized List<String> compatibilityProblems(String subject, String schemaText, Integer version) {
        catchUp();
        List<Version> versions = versionsBySubject.getOrDefault(subject, List.of());
        List<Version> against = version == null ? versions
                : versions.stream().filter(v -> v.version() == version).toList();
        CompatibilityLevel level = level(subject);
        if (version != null && level.transitive()) {
            level = CompatibilityLevel.valueOf(level.name().replace("_TRANSITIVE", ""));
        }
        return level.problems(parse(schemaText), against.stream().map(v -> parse(v.schema())).toList());
    }

    /** The level that applies to {@code subject}: its own, else the global one. */
    public synchronized CompatibilityLevel level(String subject) {
        String own = subject == null ? null : subjectLevels.get(subject);
        return CompatibilityLevel.parse(own != null ? own : globalLevel);
    }

    /** The subject's own level (null subject: the global one), if one is set. */
    public synchronized Optional<String> configuredLevel(String subject) {
        return Optional.ofNullable(subject == null ? globalLevel : subjectLevels.get(subject));
    }

    /** Sets the level of {@code subject}, or the global level when it is null. */
    public synchronized String setLevel(String subject, String level) {
        String name = CompatibilityLevel.parse(level).name();
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG");
        if (subject != null) {
            key.put("subject", subject);
        }
        send(key.toString(), JSON.createObjectNode().put("compatibilityLevel", name).toString(), "the config");
        applyConfig(subject, name);
        return name;
    }

    public synchronized Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    /** Versions of the subject, oldest first; empty when the subject is unknown. */
    public synchronized List<Version> versions(String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }

    private static Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw new RegistryError(422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    private void write(Version version) {
        String key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", version.subject())
                .put("version", version.version()).toString();
        String value = JSON.createObjectNode().put("subject", version.subject()).put("version", version.version())
                .put("id", version.id()).put("schema", version.schema()).toString();
        send(key, value, "the schema");
    }

    private void send(String key, String value, String what) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, value)).get(KAFKA_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryError(500, 50001, "interrupted while storing " + what);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryError(500, 50001, "Error while storing " + what + " in " + topic + ": " + e);
        }
    }

    private void catchUp() {
        long end = consumer.endOffsets(List.of(partition), KAFKA_TIMEOUT).get(partition);
        long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
        while (consumer.position(partition, KAFKA_TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new RegistryError(500, 50002, "timed out reading the schema store topic " + topic);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() != null) {
                    applyRecord(record.key(), record.value());
                }
            }
        }
    }

    private void applyRecord(String key, String value) {
        try {
            JsonNode keyNode = key == null ? JSON.createObjectNode() : JSON.readTree(key);
            if ("CONFIG".equals(keyNode.path("keytype").asText())) {
                applyConfig(keyNode.hasNonNull("subject") ? keyNode.get("subject").asText() : null,
                        JSON.readTree(value).path("compatibilityLevel").asText());
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt record in the schema store: " + key, e);
        }
        apply(readVersion(value));
    }

    private void applyConfig(String subject, String level) {
        if (subject == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subject, level);
        }
    }

    private static Version readVersion(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new Version(node.path("subject").asText(), node.path("version").asInt(), node.path("id").asInt(),
                    node.path("schema").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt record in the schema store: " + json, e);
        }
    }

    private void apply(Version version) {
        List<Version> versions = versionsBySubject.computeIfAbsent(version.subject(), s -> new ArrayList<>());
        versions.removeIf(v -> v.version() == version.version());
        versions.add(version);
        versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
        schemasById.put(version.id(), version.schema());
        idsBySchema.putIfAbsent(version.schema(), version.id());
        maxId = Math.max(maxId, version.id());
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
    }
}
