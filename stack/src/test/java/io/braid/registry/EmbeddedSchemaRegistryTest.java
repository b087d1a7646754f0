package io.braid.registry;

import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.registry.RegisteredSchema;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.registry.SchemaRegistryException;
import io.braid.stack.EmbeddedKafkaBroker;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded registry over real HTTP, stored in a real (in-process) Kafka broker. */
class EmbeddedSchemaRegistryTest {

    @TempDir
    static Path brokerDir;

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(brokerDir, 0, Map.of()));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static RegistryOptions options(String topic) {
        return new RegistryOptions(broker.bootstrapServers(), "127.0.0.1", 0, topic);
    }

    @Test
    void registered_schema_is_found_by_id_and_as_latest_version() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options("_schemas_roundtrip"))) {
            SchemaRegistryClient client = new SchemaRegistryClient(registry.url());

            int id = client.register("braid.jobs-value", JobRequest.getClassSchema());

            SchemaRegistryClient freshClient = new SchemaRegistryClient(registry.url());
            assertThat(freshClient.schemaById(id)).isEqualTo(JobRequest.getClassSchema());
            RegisteredSchema latest = freshClient.latest("braid.jobs-value");
            assertThat(latest.id()).isEqualTo(id);
            assertThat(latest.version()).isEqualTo(1);
            assertThat(latest.schema()).isEqualTo(JobRequest.getClassSchema());
        }
    }

    @Test
    void same_schema_gets_same_id_and_another_schema_a_new_one() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options("_schemas_ids"))) {
            int first = new SchemaRegistryClient(registry.url()).register("a-value", JobRequest.getClassSchema());
            int again = new SchemaRegistryClient(registry.url()).register("b-value", JobRequest.getClassSchema());
            int other = new SchemaRegistryClient(registry.url()).register("c-value", JobResult.getClassSchema());

            assertThat(again).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
        }
    }

    @Test
    void ids_survive_a_registry_restart() {
        int jobsId;
        int resultsId;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options("_schemas_restart"))) {
            SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
            jobsId = client.register("braid.jobs-value", JobRequest.getClassSchema());
            resultsId = client.register("braid.job-results-value", JobResult.getClassSchema());
        }
        try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.start(options("_schemas_restart"))) {
            SchemaRegistryClient client = new SchemaRegistryClient(restarted.url());
            assertThat(client.schemaById(jobsId)).isEqualTo(JobRequest.getClassSchema());
            assertThat(client.schemaById(resultsId)).isEqualTo(JobResult.getClassSchema());
            assertThat(client.register("braid.jobs-value", JobRequest.getClassSchema())).isEqualTo(jobsId);
            Schema newcomer = SchemaBuilder.record("Newcomer").fields().requiredString("x").endRecord();
            assertThat(client.register("newcomer-value", newcomer)).isGreaterThan(Math.max(jobsId, resultsId));
        }
    }

    @Test
    void incompatible_change_is_rejected_with_confluent_error_body() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options("_schemas_compat"))) {
            SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
            client.register("thing-value", SchemaBuilder.record("Thing").fields().requiredString("a").endRecord());
            Schema addsRequiredField = SchemaBuilder.record("Thing").fields()
                    .requiredString("a").requiredString("b").endRecord();

            assertThatThrownBy(() -> client.register("thing-value", addsRequiredField))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(409);
                        assertThat(e.getMessage()).contains("incompatible");
                    });

            HttpResponse<String> unknown = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/nope/versions/latest")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
            assertThat(unknown.body()).contains("\"error_code\":40401");
        }
    }

    private static HttpResponse<String> call(String method, String url, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String schemaBody(Schema schema) {
        return "{\"schema\": " + com.fasterxml.jackson.databind.node.TextNode.valueOf(schema.toString()) + "}";
    }

    @Test
    void compatibility_levels_are_configured_per_subject_and_decide_registrations_and_checks() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options("_schemas_levels"))) {
            String url = registry.url();
            SchemaRegistryClient client = new SchemaRegistryClient(url);
            Schema v1 = SchemaBuilder.record("Thing").fields().requiredString("a").endRecord();
            Schema addsOptional = SchemaBuilder.record("Thing").fields().requiredString("a")
                    .optionalString("b").endRecord();
            Schema dropsA = SchemaBuilder.record("Thing").fields().optionalString("b").endRecord();
            Schema addsRequired = SchemaBuilder.record("Thing").fields().requiredString("a").requiredString("c")
                    .endRecord();
            client.register("t-value", v1);

            assertThat(call("GET", url + "/config", null).body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
            assertThat(call("GET", url + "/config/t-value", null).statusCode()).isEqualTo(404);
            assertThat(call("GET", url + "/config/t-value?defaultToGlobal=true", null).body())
                    .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

            // BACKWARD (default): a new required field cannot read old data; the compatibility endpoint says so
            HttpResponse<String> check = call("POST", url + "/compatibility/subjects/t-value/versions/latest?verbose=true",
                    schemaBody(addsRequired));
            assertThat(check.body()).contains("\"is_compatible\":false").contains("READER_FIELD_MISSING_DEFAULT_VALUE");
            assertThat(call("POST", url + "/compatibility/subjects/t-value/versions/1", schemaBody(addsOptional))
                    .body()).isEqualTo("{\"is_compatible\":true}");

            // FORWARD on this subject: dropping a field old readers need is refused, adding a required one is fine
            assertThat(call("PUT", url + "/config/t-value", "{\"compatibility\": \"forward\"}").body())
                    .isEqualTo("{\"compatibility\":\"FORWARD\"}");
            assertThat(call("GET", url + "/config/t-value", null).body())
                    .isEqualTo("{\"compatibilityLevel\":\"FORWARD\"}");
            assertThatThrownBy(() -> client.register("t-value", dropsA)).hasMessageContaining("FORWARD");
            assertThat(client.register("t-value", addsRequired)).isPositive();

            // FULL_TRANSITIVE: both directions against every version
            call("PUT", url + "/config/t-value", "{\"compatibility\": \"FULL_TRANSITIVE\"}");
            Schema fitsEveryVersion = SchemaBuilder.record("Thing").fields().requiredString("a")
                    .name("c").type().stringType().stringDefault("none").optionalString("d").endRecord();
            Schema addsOptionalToV2 = SchemaBuilder.record("Thing").fields().requiredString("a").requiredString("c")
                    .optionalString("d").endRecord();
            assertThatThrownBy(() -> client.register("t-value", addsOptionalToV2))
                    .as("v1 data has no c").hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE");
            assertThat(client.register("t-value", fitsEveryVersion)).isPositive();
            assertThatThrownBy(() -> client.register("t-value", dropsA)).hasMessageContaining("FULL_TRANSITIVE");

            // NONE globally: anything goes for subjects without their own level
            call("PUT", url + "/config", "{\"compatibility\": \"NONE\"}");
            client.register("other-value", v1);
            assertThat(client.register("other-value", SchemaBuilder.record("Other").fields().requiredInt("n")
                    .endRecord())).isPositive();

            HttpResponse<String> invalid = call("PUT", url + "/config", "{\"compatibility\": \"SIDEWAYS\"}");
            assertThat(invalid.statusCode()).isEqualTo(422);
            assertThat(invalid.body()).contains("\"error_code\":42203");
        }
        // levels are stored in the registry's topic: a restarted registry keeps them
        try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.start(options("_schemas_levels"))) {
            assertThat(call("GET", restarted.url() + "/config/t-value", null).body())
                    .isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
            assertThat(call("GET", restarted.url() + "/config", null).body())
                    .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        }
    }
}
