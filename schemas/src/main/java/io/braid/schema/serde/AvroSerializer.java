package io.braid.schema.serde;

import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro specific records in the schema registry wire format, registering the record's schema under the
 * subject {@code <topic>-value} (Confluent's TopicNameStrategy) on first use.
 *
 * <p>When the schema cannot be registered because the registry is unreachable, timed out or answered 5xx, it
 * throws {@link RegistryUnavailableException} (send the record again later) and remembers nothing, so the next
 * record asks again; a schema the registry refuses (409 incompatible, 422 invalid) is a plain
 * {@link SerializationException}.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final SchemaRegistry registry;
    private final Map<TopicSchema, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

    private record TopicSchema(String topic, Schema schema) {
    }

    public AvroSerializer(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        int id = schemaId(topic, schema);
        DatumWriter<T> writer = writers.computeIfAbsent(schema,
                s -> new SpecificDatumWriter<>(s, SpecificData.getForSchema(s)));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_LENGTH);
        WireFormat.writeHeader(header, id);
        out.writeBytes(header.array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " for topic " + topic + ": "
                    + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The id of {@code schema} under the topic's subject, registered on first use; a failure is not cached. */
    private int schemaId(String topic, Schema schema) {
        TopicSchema key = new TopicSchema(topic, schema);
        Integer cached = ids.get(key);
        if (cached != null) {
            return cached;
        }
        String subject = Subjects.valueSubject(topic);
        int id;
        try {
            id = registry.register(subject, schema);
        } catch (SchemaRegistryException e) {
            throw RegistryErrors.classify(e, "cannot register " + schema.getFullName() + " under subject " + subject);
        }
        ids.putIfAbsent(key, id);
        return id;
    }
}
