package io.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.JobEvent;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.TopicSchemas;
import io.braid.stack.EmbeddedStack;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a fresh stack, the orchestrator's start registers Braid's schemas before any client ran, with the BACKWARD
 * compatibility level, and a restart registers nothing new; {@code braid schemas export} writes the published files.
 */
class SchemasRegisteredAtStartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + url + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private Orchestrator start(EmbeddedStack stack, String name) {
        return Orchestrator.start(OrchestratorOptions.builder(stack.bootstrapServers(), stack.registryUrl())
                .partitions(1).instanceId(name).httpPort(-1).stateDir(dir.resolve(name)).build());
    }

    @Test
    void a_fresh_stack_serves_the_latest_job_schema_once_the_orchestrator_started() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(dir.resolve("kafka"), 0, 0)) {
            String registry = stack.registryUrl();
            JsonNode latest;
            try (Orchestrator orchestrator = start(stack, "first")) {
                latest = get(registry + "/subjects/braid.jobs-value/versions/latest");
                assertThat(new Schema.Parser().parse(latest.path("schema").asText()))
                        .isEqualTo(JobRequest.getClassSchema());
                assertThat(latest.path("version").asInt()).isEqualTo(1);
                assertThat(new Schema.Parser().parse(get(registry + "/subjects/braid.job-results-value/versions/latest")
                        .path("schema").asText())).isEqualTo(JobResult.getClassSchema());
                assertThat(new Schema.Parser().parse(get(registry + "/subjects/braid.job-events-value/versions/latest")
                        .path("schema").asText())).isEqualTo(JobEvent.getClassSchema());
                assertThat(get(registry + "/config/braid.jobs-value").path("compatibilityLevel").asText())
                        .isEqualTo("BACKWARD");
            }
            try (Orchestrator again = start(stack, "second")) {
                JsonNode afterRestart = get(registry + "/subjects/braid.jobs-value/versions/latest");
                assertThat(afterRestart.path("id").asInt()).as("same id").isEqualTo(latest.path("id").asInt());
                assertThat(get(registry + "/subjects/braid.jobs-value/versions")).as("no new version").hasSize(1);
            }
        }
    }

    @Test
    void schemas_export_writes_the_published_avsc_files() throws Exception {
        Path out = dir.resolve("exported");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true));
        int exit;
        try {
            exit = Main.commandLine().execute("schemas", "export", out.toString());
        } finally {
            System.setOut(stdout);
        }

        assertThat(exit).isZero();
        Path published = Path.of("..", "schemas", "avsc");
        for (Schema schema : TopicSchemas.records()) {
            String name = TopicSchemas.fileName(schema);
            assertThat(out.resolve(name)).hasSameTextualContentAs(published.resolve(name));
            assertThat(printed.toString()).contains(name);
        }
    }
}
