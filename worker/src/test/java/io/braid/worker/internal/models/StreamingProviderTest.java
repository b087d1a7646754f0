package io.braid.worker.internal.models;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.testing.FakeModelServer;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An OpenAI-compatible model with {@code stream: true}, against a local server that answers as a stream (Server-Sent
 * Events): inside a branch run the pieces go to its partial output and the call still answers the whole response
 * with its usage; a 429 fails as the unstreamed call would; outside a branch run nothing is streamed.
 */
class StreamingProviderTest {

    private final FakeModelServer server = FakeModelServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private ChatModel model(boolean stream) {
        ModelSpec spec = new ModelSpec(ModelProvider.OPENAI, server.baseUrl() + "/v1", "gpt-fake", null, null, null,
                null, null, Duration.ofSeconds(10), null, null, null, null, stream);
        assertThat(spec.problem("fast")).isNull();
        return ChatModels.build("fast", spec, name -> null, false, Clock.systemUTC());
    }

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-fake\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    private static FakeModelServer.Reply stream(String... pieces) {
        StringBuilder body = new StringBuilder(chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        for (String piece : pieces) {
            body.append(chunk("{\"content\":\"" + piece + "\"}", "null"));
        }
        body.append(chunk("{}", "\"stop\""));
        body.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-fake\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n");
        body.append("data: [DONE]\n\n");
        return new FakeModelServer.Reply(200, Map.of("Content-Type", "text/event-stream"), body.toString(),
                Duration.ZERO);
    }

    private static ChatRequest hello() {
        return ChatRequest.builder().messages(UserMessage.from("hello")).build();
    }

    @Test
    void inside_a_branch_run_the_pieces_go_to_its_partial_output_and_the_whole_answer_comes_back() throws Exception {
        server.enqueue(stream("Hello ", "world"));
        List<String> pieces = new CopyOnWriteArrayList<>();

        ChatResponse response = PartialOutput.to(pieces::add, () -> model(true).chat(hello()));

        assertThat(pieces).containsExactly("Hello ", "world");
        assertThat(response.aiMessage().text()).isEqualTo("Hello world");
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(5);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(2);
        assertThat(server.received()).singleElement().satisfies(request ->
                assertThat(request.json().path("stream").asBoolean()).isTrue());
        assertThat(server.received().get(0).json().path("stream_options").path("include_usage").asBoolean())
                .as("usage asked for, so the rate limiter and the price table settle real tokens").isTrue();
    }

    @Test
    void a_streamed_call_refused_with_429_fails_as_a_rate_limit() {
        server.enqueue(FakeModelServer.openAiError(429, "rate_limit_exceeded", "slow down"));

        assertThatThrownBy(() -> PartialOutput.to(text -> { }, () -> model(true).chat(hello())))
                .isInstanceOf(RateLimitException.class);
    }

    @Test
    void outside_a_branch_run_or_without_stream_the_call_is_not_streamed() throws Exception {
        server.fallback(request -> FakeModelServer.openAiAnswer("gpt-fake", "plain", 3, 1));

        assertThat(model(true).chat(hello()).aiMessage().text()).isEqualTo("plain");
        assertThat(PartialOutput.to(text -> { }, () -> model(false).chat(hello())).aiMessage().text())
                .isEqualTo("plain");
        assertThat(server.received()).allSatisfy(request ->
                assertThat(request.json().path("stream").asBoolean(false)).isFalse());
    }

    @Test
    void stream_is_refused_for_a_provider_that_does_not_stream() {
        ModelSpec ollama = new ModelSpec(ModelProvider.OLLAMA, null, "llama3.2", null, null, null, null, null, null,
                null, null, null, null, true);
        assertThat(ollama.problem("local")).contains("models.local.stream", "openai only");
    }
}
