package io.braid.worker.internal.observe;

import io.braid.worker.WorkerHealth;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker's health and metrics endpoints over real HTTP (the JDK's server and client). */
class WorkerHttpServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void health_answers_with_its_state_and_the_status_platforms_act_on() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (WorkerHttpServer server = WorkerHttpServer.start(0, registry,
                () -> new WorkerHealth(true, false, "JOINING", 0, 8))) {
            HttpResponse<String> live = get(server, "/health/live");
            HttpResponse<String> ready = get(server, "/health/ready");

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(live.body()).isEqualTo("{\"live\":true,\"ready\":false,\"state\":\"JOINING\",\"inFlight\":0,"
                    + "\"maxInFlight\":8}");
            assertThat(ready.statusCode()).isEqualTo(503);
        }
    }

    @Test
    void metrics_are_prometheus_text_and_other_methods_than_get_are_refused() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("braid_test_events").increment(3);
        try (WorkerHttpServer server = WorkerHttpServer.start(0, registry,
                () -> new WorkerHealth(true, true, "RUNNING", 1, 8))) {
            HttpResponse<String> metrics = get(server, "/metrics");
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri(server, "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body()).contains("braid_test_events_total 3.0");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
            assertThat(post.body()).isEqualTo("use GET\n");
        }
    }

    @Test
    void with_a_read_token_metrics_need_it_and_health_stays_open() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ReadToken token = ReadToken.of("scrape-me");
        try (WorkerHttpServer server = WorkerHttpServer.start("127.0.0.1", 0, token, registry,
                () -> new WorkerHealth(true, true, "RUNNING", 0, 8))) {
            HttpResponse<String> anonymous = get(server, "/metrics");
            HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(uri(server, "/metrics"))
                    .header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> scraped = client.send(HttpRequest.newBuilder(uri(server, "/metrics"))
                    .header("Authorization", "Bearer scrape-me").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
            assertThat(token.toString()).doesNotContain("scrape-me");
        }
    }

    @Test
    void a_reported_problem_makes_ready_answer_503_with_the_reason_as_json() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (WorkerHttpServer server = WorkerHttpServer.start(0, registry, () -> new WorkerHealth(true,
                false, "RUNNING", 0, 8, "schema registry: \"503\" from http://registry\n"))) {
            HttpResponse<String> ready = get(server, "/health/ready");

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).endsWith(",\"problem\":\"schema registry: \\\"503\\\" from http://registry\\n\"}");
        }
    }

    private HttpResponse<String> get(WorkerHttpServer server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(server, path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(WorkerHttpServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
