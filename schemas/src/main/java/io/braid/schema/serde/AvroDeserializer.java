package io.braid.schema.serde;

import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads schema registry wire-format records into the Avro specific class {@code T}: the writer's schema comes
 * from the registry by the id in the header and is resolved against {@code T}'s schema, so records written with
 * any compatible schema (by any client, in any language) are read.
 *
 * <p>Failures, for any input bytes:
 * <ul>
 *   <li>{@link RegistryUnavailableException} when the writer schema could not be had because the registry was
 *   unreachable, timed out or answered 5xx: the record may be fine and can be read later. Nothing is cached, so
 *   the next record with that schema id asks the registry again.</li>
 *   <li>a plain {@link SerializationException} for a bad record: a short or foreign header, an id the registry
 *   does not know (404), a writer schema that cannot be read as {@code T}, or bytes that do not decode. A string,
 *   bytes or collection longer than the record itself is refused before anything is allocated for it.</li>
 * </ul>
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final SchemaRegistry registry;
    private final Schema readerSchema;
    private final SpecificData model;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    public AvroDeserializer(SchemaRegistry registry, Class<T> type) {
        this.registry = registry;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data);
        DatumReader<T> reader = reader(id);
        try {
            return reader.read(null, BoundedDecoder.over(data, WireFormat.HEADER_LENGTH,
                    data.length - WireFormat.HEADER_LENGTH));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read a " + readerSchema.getName() + " (schema id " + id
                    + ") from topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** The cached reader for writer schema {@code id}; a failure to make one is not cached. */
    private DatumReader<T> reader(int id) {
        DatumReader<T> cached = readers.get(id);
        if (cached != null) {
            return cached;
        }
        DatumReader<T> fresh = readerFor(id);
        DatumReader<T> raced = readers.putIfAbsent(id, fresh);
        return raced != null ? raced : fresh;
    }

    private DatumReader<T> readerFor(int id) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            throw RegistryErrors.classify(e, "cannot fetch writer schema id " + id);
        }
        try {
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
            if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new SerializationException(cannotRead(id, writerSchema) + compatibility.getResult()
                        .getIncompatibilities().stream().map(i -> i.getType() + " at " + i.getLocation())
                        .findFirst().orElse(compatibility.getDescription()));
            }
            return new SpecificDatumReader<>(writerSchema, readerSchema, model);
        } catch (SerializationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SerializationException(cannotRead(id, writerSchema) + e.getMessage(), e);
        }
    }

    private String cannotRead(int id, Schema writerSchema) {
        return "schema id " + id + " (" + writerSchema.getFullName() + ") cannot be read as "
                + readerSchema.getFullName() + ": ";
    }
}
