package io.braid.schema.serde;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.ToolCall;
import io.braid.schema.registry.RegistryClientOptions;
import io.braid.schema.registry.SchemaRegistryClient;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transient versus permanent registry failures, over real HTTP: an outage is a {@link RegistryUnavailableException}
 * and is not remembered, so the same serde reads and writes once the registry is back; an unknown id, an
 * incompatible schema or a schema that is not Avro is a plain {@link SerializationException}. Retry pauses are
 * recorded, not slept.
 */
class RegistryOutageTest {

    private static final int ID = 3;

    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private FakeRegistryServer registry;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeRegistryServer(ID);
        registry.schema(ID, JobRequest.getClassSchema().toString());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private SchemaRegistryClient client(String url) {
        return new SchemaRegistryClient(url, RegistryClientOptions.defaults()
                .withRequestTimeout(Duration.ofMillis(500)).withAttempts(2)
                .withRetryPause(Duration.ofMillis(100), pauses::add));
    }

    private static JobRequest job() {
        return JobRequest.newBuilder().setJobId("j1").setBranches(List.of(BranchSpec.newBuilder().setBranchId("a")
                .setKind(BranchKind.TOOL).setTool(ToolCall.newBuilder().setName("calculator").build()).build()))
                .build();
    }

    private byte[] record() {
        return new AvroSerializer<JobRequest>(client(registry.url())).serialize("braid.jobs", job());
    }

    @ParameterizedTest
    @EnumSource(value = FakeRegistryServer.Mode.class, names = {"ANSWER_503", "CLOSE_CONNECTIONS", "ANSWER_401",
            "ANSWER_HTML"})
    void an_outage_is_unavailable_and_the_same_deserializer_reads_the_record_once_the_registry_is_back(
            FakeRegistryServer.Mode outage) {
        // given a record, and a deserializer that has not seen its schema id
        byte[] record = record();
        AvroDeserializer<JobRequest> deserializer = new AvroDeserializer<>(client(registry.url()), JobRequest.class);

        // when the registry fails, then the record is "try later", not a bad record
        registry.mode(outage);
        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", record))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("schema registry unavailable while cannot fetch writer schema id " + ID);
        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", record))
                .isInstanceOf(RegistryUnavailableException.class);

        // when it is back, then the same deserializer reads the record: the failure was not cached
        registry.mode(FakeRegistryServer.Mode.UP);
        assertThat(deserializer.deserialize("braid.jobs", record)).isEqualTo(job());
    }

    @Test
    void server_errors_are_retried_a_bounded_number_of_times_with_growing_pauses() {
        byte[] record = record();
        int before = registry.calls();
        registry.mode(FakeRegistryServer.Mode.ANSWER_503);
        SchemaRegistryClient client = new SchemaRegistryClient(registry.url(), RegistryClientOptions.defaults()
                .withAttempts(4).withRetryPause(Duration.ofMillis(100), pauses::add));

        assertThatThrownBy(() -> new AvroDeserializer<>(client, JobRequest.class).deserialize("braid.jobs", record))
                .isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("503");
        assertThat(registry.calls() - before).isEqualTo(4);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void an_unreachable_registry_is_unavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AvroDeserializer<JobRequest> deserializer = new AvroDeserializer<>(client("http://127.0.0.1:" + closedPort),
                JobRequest.class);

        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", record()))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("cannot reach the schema registry");
        assertThat(pauses).hasSize(1);
    }

    @Test
    void a_registry_that_does_not_answer_in_time_is_unavailable() {
        byte[] record = record();
        registry.mode(FakeRegistryServer.Mode.HANG);
        SchemaRegistryClient client = new SchemaRegistryClient(registry.url(), RegistryClientOptions.defaults()
                .withRequestTimeout(Duration.ofMillis(200)).withAttempts(1));

        assertThatThrownBy(() -> new AvroDeserializer<>(client, JobRequest.class).deserialize("braid.jobs", record))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("timed out");
    }

    @Test
    void an_unknown_schema_id_is_a_bad_record_not_an_outage() {
        byte[] record = ByteBuffer.allocate(8).put(WireFormat.MAGIC_BYTE).putInt(99).array();
        AvroDeserializer<JobRequest> deserializer = new AvroDeserializer<>(client(registry.url()), JobRequest.class);

        assertThatThrownBy(() -> deserializer.deserialize("braid.jobs", record))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot fetch writer schema id 99")
                .hasMessageContaining("404");
        assertThat(pauses).isEmpty();
    }

    @Test
    void a_writer_schema_that_is_not_avro_is_a_bad_record() {
        registry.schema(7, "syntax = \"proto3\"; message Job { string id = 1; }");
        byte[] record = ByteBuffer.allocate(8).put(WireFormat.MAGIC_BYTE).putInt(7).array();

        assertThatThrownBy(() -> new AvroDeserializer<>(client(registry.url()), JobRequest.class)
                .deserialize("braid.jobs", record))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("does not parse");
    }

    @Test
    void a_known_schema_id_is_read_during_an_outage() {
        byte[] record = record();
        AvroDeserializer<JobRequest> deserializer = new AvroDeserializer<>(client(registry.url()), JobRequest.class);
        deserializer.deserialize("braid.jobs", record);

        registry.mode(FakeRegistryServer.Mode.CLOSE_CONNECTIONS);

        assertThat(deserializer.deserialize("braid.jobs", record)).isEqualTo(job());
    }

    @Test
    void the_serializer_reports_an_outage_as_unavailable_and_registers_once_the_registry_is_back() {
        AvroSerializer<JobRequest> serializer = new AvroSerializer<>(client(registry.url()));

        registry.mode(FakeRegistryServer.Mode.ANSWER_503);
        assertThatThrownBy(() -> serializer.serialize("braid.jobs", job()))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("cannot register io.braid.schema.JobRequest under subject braid.jobs-value");

        registry.mode(FakeRegistryServer.Mode.UP);
        assertThat(WireFormat.schemaId(serializer.serialize("braid.jobs", job()))).isEqualTo(ID);
    }

    @Test
    void a_schema_the_registry_refuses_is_a_plain_serialization_error() {
        registry.mode(FakeRegistryServer.Mode.ANSWER_409);

        assertThatThrownBy(() -> AvroSerde.of(client(registry.url()), JobRequest.class).serializer()
                .serialize("braid.jobs", job()))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("409");
    }
}
