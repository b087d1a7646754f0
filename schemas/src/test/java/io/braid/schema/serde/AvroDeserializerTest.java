package io.braid.schema.serde;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.registry.RegisteredSchema;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile bytes: every failure is a SerializationException that says what was wrong, and nothing huge is allocated. */
class AvroDeserializerTest {

    /** A registry holding JobRequest's schema as id 1, counting the lookups. */
    private static final class OneSchemaRegistry implements SchemaRegistry {
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public int register(String subject, Schema schema) {
            return 1;
        }

        @Override
        public Schema schemaById(int id) {
            lookups.incrementAndGet();
            if (id != 1) {
                throw new SchemaRegistryException("Schema " + id + " not found", 404, 40403);
            }
            return JobRequest.getClassSchema();
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return new RegisteredSchema(subject, 1, 1, JobRequest.getClassSchema());
        }
    }

    private final OneSchemaRegistry registry = new OneSchemaRegistry();
    private final AvroDeserializer<JobRequest> deserializer = new AvroDeserializer<>(registry, JobRequest.class);

    /** A record of schema id 1 whose body is {@code body} written by {@code encoder}. */
    private static byte[] record(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 0, 0, 1});
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        body.write(encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private interface Body {
        void write(BinaryEncoder encoder) throws IOException;
    }

    @Test
    void a_string_longer_than_the_record_is_refused_before_it_is_allocated() throws IOException {
        byte[] record = record(e -> e.writeLong(1L << 30));

        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", record))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("a string of 1073741824 bytes in a record of " + (record.length - 5) + " bytes");
    }

    @Test
    void a_map_with_more_items_than_the_record_has_bytes_is_refused_before_it_is_allocated() throws IOException {
        byte[] record = record(e -> {
            e.writeString("j");
            e.writeIndex(0);
            e.writeLong(1L << 30);
        });

        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", record))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("collections of 1073741824 items");
    }

    @Test
    void a_valid_record_still_reads() throws IOException {
        JobRequest job = JobRequest.newBuilder().setJobId("j").setInputs(Map.of("k", "v"))
                .setBranches(List.of(BranchSpec.newBuilder().setBranchId("a").setKind(BranchKind.LLM).build()))
                .build();
        byte[] record = new AvroSerializer<JobRequest>(registry).serialize("braid.jobs", job);

        assertThat(deserializer.deserialize("braid.jobs", record)).isEqualTo(job);
    }

    @Test
    void a_lone_magic_byte_is_a_truncated_record() {
        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", new byte[] {0}))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage("truncated wire-format record: 1 byte starting with the magic byte 0x00, shorter than "
                        + "the 5-byte header (magic byte + 4-byte schema id)");
        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", new byte[] {0, 0, 1}))
                .hasMessageStartingWith("truncated wire-format record: 3 bytes");
    }

    @Test
    void schema_ids_below_one_are_refused_without_asking_the_registry() {
        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", new byte[] {0, 0, 0, 0, 0, 2, 'j'}))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith("schema id 0 in the wire-format header is not a registry id");
        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", new byte[] {0, -1, -1, -1, -5}))
                .hasMessageStartingWith("schema id -5 in the wire-format header");
        assertThat(registry.lookups).hasValue(0);
    }

    @Test
    void random_bodies_fail_only_with_serialization_exceptions() {
        Random random = new Random(18);
        for (int i = 0; i < 5_000; i++) {
            byte[] record = new byte[5 + random.nextInt(64)];
            random.nextBytes(record);
            System.arraycopy(new byte[] {0, 0, 0, 0, 1}, 0, record, 0, 5);
            try {
                deserializer.deserialize("braid.jobs", record);
            } catch (SerializationException expected) {
                assertThat(expected.getMessage()).startsWith("cannot read a JobRequest (schema id 1)");
            }
        }
    }
}
