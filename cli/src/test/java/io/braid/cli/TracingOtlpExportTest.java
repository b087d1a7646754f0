package io.braid.cli;

import com.sun.net.httpserver.HttpServer;
import io.braid.cli.commands.Telemetry;
import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.testing.JobFixtures;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing configured the way the commands configure it — {@code OTEL_*} settings through {@link Telemetry} — exports
 * to a real OTLP/HTTP receiver: a JDK HTTP server in the test that accepts {@code POST /v1/traces} and decodes each
 * {@code ExportTraceServiceRequest} (protobuf) it gets. A job's spans arrive from both services, in the
 * submitter's trace.
 */
class TracingOtlpExportTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    /** A span as the receiver decoded it, with the service that sent it. */
    private record Received(String service, String name, String traceId, Map<String, String> attributes) {
    }

    private static final List<Received> received = new CopyOnWriteArrayList<>();
    private static final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;
    private static OpenTelemetry orchestratorTelemetry;
    private static OpenTelemetry workerTelemetry;
    private static LocalFleet fleet;

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            try (exchange) {
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
                try (InputStream body = gzip ? new GZIPInputStream(exchange.getRequestBody())
                        : exchange.getRequestBody()) {
                    decode(ExportTraceServiceRequest.parseFrom(body));
                }
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        receiver.start();
        Map<String, String> settings = Map.of(
                "OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort(),
                "OTEL_BSP_SCHEDULE_DELAY", "50");
        orchestratorTelemetry = Telemetry.fromEnvironment(settings, "braid-orchestrator");
        workerTelemetry = Telemetry.fromEnvironment(settings, "braid-worker");
        fleet = LocalFleet.start(1, w -> w.openTelemetry(workerTelemetry), o -> o.openTelemetry(orchestratorTelemetry));
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    private static void decode(ExportTraceServiceRequest request) {
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = resource.getResource().getAttributesList().stream()
                    .filter(kv -> kv.getKey().equals("service.name")).map(kv -> kv.getValue().getStringValue())
                    .findFirst().orElse(null);
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    Map<String, String> attributes = new java.util.HashMap<>();
                    for (KeyValue kv : span.getAttributesList()) {
                        attributes.put(kv.getKey(), kv.getValue().hasIntValue()
                                ? Long.toString(kv.getValue().getIntValue()) : kv.getValue().getStringValue());
                    }
                    received.add(new Received(service, span.getName(),
                            HexFormat.of().formatHex(span.getTraceId().toByteArray()), attributes));
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        for (OpenTelemetry telemetry : new OpenTelemetry[] {orchestratorTelemetry, workerTelemetry}) {
            if (telemetry instanceof AutoCloseable sdk) {
                sdk.close();
            }
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void otel_settings_export_a_jobs_spans_from_both_services_to_an_otlp_http_receiver() {
        JobRequest job = JobFixtures.llmJob("otlp-" + System.nanoTime(), 2);
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            client.submit(job, "00-" + TRACE_ID + "-b7ad6b7169203331-01");
            Optional<JobResult> result = client.awaitResult(job.getJobId(), null, Duration.ofSeconds(60), e -> { });
            assertThat(result).isPresent().get().extracting(JobResult::getStatus).isEqualTo(JobStatus.SUCCEEDED);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Received> trace = received.stream().filter(span -> span.traceId().equals(TRACE_ID)).toList();
            assertThat(trace).extracting(span -> span.service() + " " + span.name().split(" ")[0])
                    .contains("braid-orchestrator dispatch", "braid-orchestrator join", "braid-worker attempt",
                            "braid-worker chat");
            assertThat(trace).filteredOn(span -> span.name().startsWith("chat ")).hasSize(2)
                    .allSatisfy(chat -> {
                        assertThat(chat.attributes()).containsEntry("gen_ai.operation.name", "chat")
                                .containsEntry("gen_ai.system", "simulated");
                        assertThat(chat.attributes().get("gen_ai.usage.output_tokens")).isNotBlank();
                    });
            assertThat(trace).filteredOn(span -> span.name().equals("dispatch")).singleElement()
                    .satisfies(dispatch -> assertThat(dispatch.attributes())
                            .containsEntry("braid.job.id", job.getJobId()));
        });
        assertThat(contentTypes).isNotEmpty().allSatisfy(type -> assertThat(type).isEqualTo("application/x-protobuf"));
    }
}
