package io.braid.worker.internal.models;

import io.braid.testing.FakeModelServer;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.braid.testing.FakeModelServer.sse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OpenAI-compatible model with {@code stream: true} (Server-Sent Events of chat completion chunks, then
 * {@code data: [DONE]}): the streaming contract, the usage asked for, and {@code stream} refused where it means
 * nothing.
 */
class StreamingProviderTest extends StreamingProviderContract {

    StreamingProviderTest() {
        super(new Wire(ModelProvider.OPENAI, "/v1", "text/event-stream", FakeModelServer::openAiStream,
                FakeModelServer::openAiAnswer,
                (status, message) -> FakeModelServer.openAiError(status, "rate_limit_exceeded", message),
                List.of(sse(null, "<html>bad gateway</html>"),
                        sse(null, "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x"),
                        sse(null, "{\"id\":\"c1\",\"choices\":\"none\"}")),
                "data: [DONE]"));
    }

    @Test
    void the_stream_asks_for_usage_so_rate_limits_and_prices_settle_real_tokens() throws Exception {
        server.enqueue(streamed(stream(PIECES, 5, 2)));

        PartialOutput.to(text -> { }, () -> model(true).chat(hello()));

        assertThat(server.received().get(0).json().path("stream_options").path("include_usage").asBoolean())
                .isTrue();
    }

    @Test
    void stream_is_refused_for_the_simulated_model_and_accepted_for_every_provider() {
        ModelSpec simulated = new ModelSpec(ModelProvider.SIMULATED, null, null, null, null, null, null, null, null,
                null, null, null, null, true);
        assertThat(simulated.problem("demo")).contains("models.demo.stream", "streams calls of 1 s or more");
        for (ModelProvider provider : List.of(ModelProvider.OPENAI, ModelProvider.OLLAMA, ModelProvider.ANTHROPIC)) {
            ModelSpec spec = new ModelSpec(provider, null, "some-model", "KEY_ENV", null, null, null, null, null,
                    null, null, null, null, true);
            assertThat(spec.problem("fast")).as(provider.configName()).isNull();
        }
    }
}
