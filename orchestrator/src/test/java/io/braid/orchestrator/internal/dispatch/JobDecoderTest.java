package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.ErrorClass;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.ToolCall;
import io.braid.schema.registry.RegisteredSchema;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryException;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.schema.serde.RegistryUnavailableException;
import io.braid.testing.InMemorySchemaRegistry;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobDecoderTest {

    private static final String TOPIC = "braid.jobs";
    private static final String BRANCHES = "\"branches\": [{\"branchId\": \"a\", \"kind\": \"TOOL\", "
            + "\"tool\": {\"name\": \"calculator\", \"argumentsJson\": {\"expression\": \"6*7\"}}}]";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final JobDecoder decoder = new JobDecoder(new AvroDeserializer<>(registry, JobRequest.class));

    private static JobRequest job() {
        return JobRequest.newBuilder().setJobId("j1").setBranches(List.of(BranchSpec.newBuilder().setBranchId("a")
                .setKind(BranchKind.TOOL).setTool(ToolCall.newBuilder().setName("calculator").build()).build()))
                .build();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private InvalidJobException refusal(byte[] value) {
        try {
            decoder.decode(TOPIC, value);
        } catch (InvalidJobException e) {
            return e;
        }
        throw new AssertionError("decoded a bad record");
    }

    @Test
    void reads_a_wire_format_job_and_a_json_job() {
        byte[] avro = new AvroSerializer<JobRequest>(registry).serialize(TOPIC, job());

        assertThat(decoder.decode(TOPIC, avro)).isEqualTo(job());
        assertThat(decoder.decode(TOPIC, utf8("{\"jobId\": \"j1\", " + BRANCHES + "}")).getBranches())
                .hasSize(1);
    }

    @Test
    void a_lone_magic_byte_is_a_truncated_wire_format_record() {
        InvalidJobException e = refusal(new byte[] {0});

        assertThat(e.kind()).isEqualTo(ErrorClass.UnreadableRecord);
        assertThat(e.getMessage()).startsWith("truncated wire-format record: 1 byte starting with the magic byte 0x00")
                .doesNotContain("neither");
    }

    @Test
    void a_foreign_first_byte_and_a_schema_id_below_one_are_unreadable() {
        assertThat(refusal(new byte[] {7, 1, 2}).getMessage()).contains("first byte 0x07 is neither");
        InvalidJobException zero = refusal(new byte[] {0, 0, 0, 0, 0, 2, 'j'});
        assertThat(zero.kind()).isEqualTo(ErrorClass.UnreadableRecord);
        assertThat(zero.getMessage()).startsWith("schema id 0 in the wire-format header is not a registry id");
    }

    @Test
    void an_unknown_schema_id_is_an_unknown_schema() {
        InvalidJobException e = refusal(ByteBuffer.allocate(9).put((byte) 0).putInt(99_999).putInt(42).array());

        assertThat(e.kind()).isEqualTo(ErrorClass.UnknownSchema);
        assertThat(e.getMessage()).contains("cannot fetch writer schema id 99999");
    }

    @Test
    void a_registry_outage_propagates_unwrapped_for_the_dispatcher_to_retry() {
        byte[] avro = new AvroSerializer<JobRequest>(registry).serialize(TOPIC, job());
        SchemaRegistry down = new SchemaRegistry() {
            @Override
            public int register(String subject, Schema schema) {
                throw new SchemaRegistryException("status 503", 503, 50301);
            }

            @Override
            public Schema schemaById(int id) {
                throw new SchemaRegistryException("status 503", 503, 50301);
            }

            @Override
            public RegisteredSchema latest(String subject) {
                throw new SchemaRegistryException("status 503", 503, 50301);
            }
        };

        assertThatThrownBy(() -> new JobDecoder(new AvroDeserializer<>(down, JobRequest.class)).decode(TOPIC, avro))
                .isExactlyInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("503");
    }

    @Test
    void a_json_field_of_the_wrong_type_is_refused_with_the_field_named() {
        InvalidJobException e = refusal(utf8("{\"jobId\": {\"nested\": true}, " + BRANCHES + "}"));

        assertThat(e.kind()).isEqualTo(ErrorClass.SchemaMismatch);
        assertThat(e.field()).hasValue("jobId");
        assertThat(e.getMessage()).endsWith("jobId: expected a string, got a JSON object");
    }

    @Test
    void deep_json_is_refused_cleanly_naming_the_limit() {
        String deep = "{\"jobId\": \"deep\", \"inputs\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        InvalidJobException e = refusal(utf8(deep));

        assertThat(e.kind()).isEqualTo(ErrorClass.SchemaMismatch);
        assertThat(e.getMessage()).contains("nests deeper than 64 levels (AvroJson.MAX_NESTING_DEPTH)");
    }

    @Test
    void json_that_is_not_utf8_is_unreadable() {
        byte[] value = utf8("{\"jobId\": \"j\u00e9\", " + BRANCHES + "}");
        value[12] = (byte) 0xff;

        InvalidJobException e = refusal(value);

        assertThat(e.kind()).isEqualTo(ErrorClass.UnreadableRecord);
        assertThat(e.getMessage()).startsWith("JSON job is not valid UTF-8");
    }

    @Test
    void a_job_id_with_an_unpaired_surrogate_is_not_answered_under_a_mangled_id() {
        InvalidJobException e = refusal(utf8("{\"jobId\": \"victim\\ud800\", \"branches\": 3}"));

        assertThat(e.jobId()).isEmpty();
        assertThat(refusal(utf8("{\"jobId\": \"victim\\ud800\", " + BRANCHES + "}")).getMessage())
                .contains("jobId: unpaired UTF-16 surrogate \\ud800 at index 6");
    }
}
