package io.braid.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fake rate-limited provider over real HTTP, its window moved by a {@link ManualClock}. */
class RateLimitedModelServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 40 characters: 10 prompt tokens. */
    private static final String PROMPT = "0123456789012345678901234567890123456789";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T12:00:00Z"));
    private RateLimitedModelServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void answers_in_the_openai_wire_format_with_usage() throws Exception {
        server = RateLimitedModelServer.start(RateLimitedModelServer.Limits.perMinute(100, 100_000)
                .completionTokens(7), clock);

        HttpResponse<String> response = chat("{\"model\":\"gpt-x\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + PROMPT + "\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-fake-provider")).hasValueSatisfying(v ->
                assertThat(v).contains("simulated"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("gpt-x");
        assertThat(body.path("choices").get(0).path("message").path("content").asText()).isNotBlank();
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(10);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(7);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(17);
    }

    @Test
    void answers_fewer_completion_tokens_when_the_request_asks_for_fewer() throws Exception {
        server = RateLimitedModelServer.start(RateLimitedModelServer.Limits.perMinute(100, 100_000)
                .completionTokens(50), clock);

        HttpResponse<String> response = chat("{\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"" + PROMPT + "\"}]}]}");

        JsonNode usage = JSON.readTree(response.body()).path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(10);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void refuses_past_the_request_limit_with_429_and_retry_after_until_the_window_slides() throws Exception {
        // 60 per minute over a 6 s window: 6 requests per 6 s
        server = RateLimitedModelServer.start(RateLimitedModelServer.Limits.perMinute(60, 1_000_000)
                .window(Duration.ofSeconds(6)), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(chat(prompt()).statusCode()).isEqualTo(200);
        }
        clock.advance(Duration.ofSeconds(3));
        for (int i = 0; i < 3; i++) {
            assertThat(chat(prompt()).statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = chat(prompt());

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(JSON.readTree(refused.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(JSON.readTree(refused.body()).path("error").path("type").asText()).isEqualTo("requests");
        clock.advance(Duration.ofSeconds(3));
        assertThat(chat(prompt()).statusCode()).as("the first three left the window").isEqualTo(200);
    }

    @Test
    void refuses_past_the_token_limit_and_charges_nothing_for_a_refusal() throws Exception {
        // 30 tokens per request (10 prompt + 20 completion); 600 tokens per minute over 6 s: 60 tokens, 2 requests
        server = RateLimitedModelServer.start(RateLimitedModelServer.Limits.perMinute(1_000, 600)
                .window(Duration.ofSeconds(6)), clock);
        assertThat(chat(prompt()).statusCode()).isEqualTo(200);
        assertThat(chat(prompt()).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = chat(prompt());

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(refused.body()).path("error").path("type").asText()).isEqualTo("tokens");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("6");
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("0");
        clock.advance(Duration.ofSeconds(6));
        assertThat(chat(prompt()).statusCode()).isEqualTo(200);
        assertThat(chat(prompt()).statusCode()).isEqualTo(200);
        assertThat(chat(prompt()).statusCode()).isEqualTo(429);
    }

    @Test
    void counts_accepted_requests_tokens_and_429s_per_second_since_the_first_request() throws Exception {
        server = RateLimitedModelServer.start(RateLimitedModelServer.Limits.perMinute(20, 1_000_000)
                .window(Duration.ofSeconds(6)), clock);
        chat(prompt());
        chat(prompt());
        chat(prompt()); // 2 per 6 s: refused
        clock.advance(Duration.ofSeconds(2));
        chat(prompt()); // still refused

        assertThat(server.perSecond()).containsExactly(
                new RateLimitedModelServer.Second(0, 2, 60, 1),
                new RateLimitedModelServer.Second(1, 0, 0, 0),
                new RateLimitedModelServer.Second(2, 0, 0, 1));
    }

    @Test
    void waits_the_configured_latency_before_answering() throws Exception {
        server = RateLimitedModelServer.start(RateLimitedModelServer.Limits.perMinute(100, 100_000)
                .latency(Duration.ofMillis(300)));
        long start = System.nanoTime();

        assertThat(chat(prompt()).statusCode()).isEqualTo(200);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void answers_bad_requests_with_openai_errors_and_charges_nothing() throws Exception {
        server = RateLimitedModelServer.start(RateLimitedModelServer.Limits.perMinute(1, 100_000), clock);

        assertThat(chat("not json").statusCode()).isEqualTo(400);
        assertThat(chat("{\"model\":\"m\"}").statusCode()).isEqualTo(400);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(server.openAiBaseUrl() + "/embeddings"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(server.openAiBaseUrl() + "/chat/completions"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(chat(prompt()).statusCode()).as("the one request a minute is still free").isEqualTo(200);
    }

    @Test
    void refuses_limits_that_cannot_work_naming_the_setting() {
        assertThatThrownBy(() -> RateLimitedModelServer.Limits.perMinute(0, 10))
                .hasMessageContaining("requestsPerMinute = 0");
        assertThatThrownBy(() -> RateLimitedModelServer.Limits.perMinute(10, -1))
                .hasMessageContaining("tokensPerMinute = -1");
        assertThatThrownBy(() -> RateLimitedModelServer.Limits.perMinute(10, 10).window(Duration.ofMillis(10)))
                .hasMessageContaining("window");
        assertThatThrownBy(() -> RateLimitedModelServer.Limits.perMinute(10, 10).latency(Duration.ofHours(1)))
                .hasMessageContaining("latency");
        assertThatThrownBy(() -> RateLimitedModelServer.Limits.perMinute(10, 10).completionTokens(0))
                .hasMessageContaining("completionTokens = 0");
    }

    private static String prompt() {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    }

    private HttpResponse<String> chat(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(server.openAiBaseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer fake")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
