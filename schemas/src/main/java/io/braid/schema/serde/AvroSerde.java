package io.braid.schema.serde;

import io.braid.schema.registry.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A Kafka {@link Serde} of the schema registry wire format for one Avro specific class. Both directions throw
 * {@link RegistryUnavailableException} while the registry cannot be had (retry the record later) and a plain
 * {@link org.apache.kafka.common.errors.SerializationException} for a bad record; see {@link AvroSerializer} and
 * {@link AvroDeserializer}.
 */
public final class AvroSerde {

    private AvroSerde() {
    }

    public static <T extends SpecificRecord> Serde<T> of(SchemaRegistry registry, Class<T> type) {
        return Serdes.serdeFrom(new AvroSerializer<>(registry), new AvroDeserializer<>(registry, type));
    }
}
