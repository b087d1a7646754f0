package io.braid.orchestrator.internal.status;

import io.braid.orchestrator.ApiTokens;

import io.braid.orchestrator.internal.aggregate.FixedJoin;

import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job API's guard over real HTTP, on a server that is not attached to an aggregator: every refusal is answered
 * before a store is asked, and cancel needs only the control writer.
 */
class JobApiSecurityTest {

    private static final String OPERATE = "op-secret-1";
    private static final String READ = "read-secret-1";

    private final List<JobControl> written = new CopyOnWriteArrayList<>();
    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private JobStatusServer server;

    @BeforeEach
    void start() {
        ApiTokens tokens = ApiTokens.none().with("ops", ApiTokens.Scope.OPERATE, OPERATE)
                .with("dashboard", ApiTokens.Scope.READ, READ);
        server = JobStatusServer.bind("127.0.0.1", 0, tokens, "test", written::add,
                new PeerClient(Duration.ofSeconds(2), 1024 * 1024));
        server.auditTo(audit::add);
        server.attach(FixedJoin.emptyHere()); // no aggregator: every job is held here, and none is known
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    @Test
    void unauthenticated_request_is_answered_401_with_a_bearer_challenge() throws Exception {
        HttpResponse<String> response = send(get("/jobs/j1").build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> v.startsWith("Bearer"));
        assertThat(response.body()).contains("BRAID_API_TOKEN");
        assertThat(send(get("/jobs/j1").header("Authorization", "Bearer wrong").build()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void read_token_cannot_cancel() throws Exception {
        HttpResponse<String> response = send(cancel(READ, "application/json", "{}"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("dashboard", "operate");
        assertThat(written).isEmpty();
        assertThat(audit).as("only accepted commands are audited").isEmpty();
    }

    @Test
    void operate_token_cancels_the_cancel_reaches_the_control_topic_and_one_audit_line_names_the_caller() throws Exception {
        HttpResponse<String> response = send(cancel(OPERATE, "application/json", "{\"reason\":\"stop\"}"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(written).singleElement().satisfies(control -> {
            assertThat(control.getAction()).isEqualTo(ControlAction.CANCEL);
            assertThat(control.getJobId()).isEqualTo("j1");
            assertThat(control.getReason()).isEqualTo("stop");
        });
        assertThat(audit).containsExactly("audit who=ops what=cancel job=\"j1\" from=127.0.0.1");
    }

    @Test
    void post_without_json_content_type_is_refused_415() throws Exception {
        assertThat(send(cancel(OPERATE, "text/plain", "{}")).statusCode()).isEqualTo(415);
        assertThat(send(cancel(OPERATE, "application/x-www-form-urlencoded", "reason=x")).statusCode())
                .isEqualTo(415);
        assertThat(written).isEmpty();
    }

    @Test
    void oversized_body_is_refused_413() throws Exception {
        String big = "{\"reason\":\"" + "x".repeat(ApiGuard.MAX_BODY_BYTES) + "\"}";

        assertThat(send(cancel(OPERATE, "application/json", big)).statusCode()).isEqualTo(413);
        assertThat(written).isEmpty();
    }

    @Test
    void oversized_chunked_body_is_refused_413_without_being_read_whole() throws Exception {
        StringBuilder request = new StringBuilder("POST /jobs/j1/cancel HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + OPERATE + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        String chunk = "x".repeat(16 * 1024);
        for (int i = 0; i < 5; i++) {
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        request.append("0\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 413");
        }
        assertThat(written).isEmpty();
    }

    @Test
    void foreign_host_on_loopback_is_refused_as_dns_rebinding() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /jobs/j1 HTTP/1.1\r\nHost: attacker.example:" + server.port()
                    + "\r\nAuthorization: Bearer " + OPERATE + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 421").contains("loopback");
        }
        assertThat(ApiGuard.loopbackHost("localhost:8088")).isTrue();
        assertThat(ApiGuard.loopbackHost("[::1]:8088")).isTrue();
        assertThat(ApiGuard.loopbackHost("127.0.0.1")).isTrue();
        assertThat(ApiGuard.loopbackHost("127.0.0.1.evil.example")).isFalse();
        assertThat(ApiGuard.loopbackHost("localhost.evil.example")).isFalse();
    }

    @Test
    void tokens_file_gives_names_and_scopes_and_never_prints_a_token() throws IOException {
        Path file = Files.createTempFile("tokens", ".txt");
        Files.writeString(file, "# who may do what\noperate ci tok-ci\n\nread grafana tok-graf\n");
        ApiTokens tokens = ApiTokens.load(file);

        assertThat(tokens.authenticate("Bearer tok-ci")).hasValue(new ApiTokens.Caller("ci", ApiTokens.Scope.OPERATE));
        assertThat(tokens.authenticate("bearer tok-graf")).hasValue(new ApiTokens.Caller("grafana",
                ApiTokens.Scope.READ));
        assertThat(tokens.authenticate("Basic tok-ci")).isEmpty();
        assertThat(tokens.toString()).doesNotContain("tok-ci", "tok-graf");
        Files.writeString(file, "admin root tok-x\n");
        assertThatThrownBy(() -> ApiTokens.load(file)).hasMessageContaining("line 1").hasMessageNotContaining("tok-x");
    }

    @Test
    void a_non_loopback_bind_without_tokens_is_refused_at_start() {
        assertThatThrownBy(() -> OrchestratorOptions.builder("127.0.0.1:9092", "mem://r").httpPort(0)
                .httpBind("0.0.0.0").build())
                .hasMessageContaining("--api-tokens-file").hasMessageContaining("BRAID_API_TOKEN")
                .hasMessageContaining("0.0.0.0");
        assertThat(OrchestratorOptions.builder("127.0.0.1:9092", "mem://r").httpPort(0).httpBind("0.0.0.0")
                .apiTokens(ApiTokens.none().with("ops", ApiTokens.Scope.OPERATE, OPERATE)).build().httpBind())
                .isEqualTo("0.0.0.0");
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    private HttpRequest cancel(String token, String contentType, String body) {
        return get("/jobs/j1/cancel").header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
