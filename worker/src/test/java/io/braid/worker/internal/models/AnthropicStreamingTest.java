package io.braid.worker.internal.models;

import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import io.braid.testing.FakeModelServer;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.execute.Failures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.braid.testing.FakeModelServer.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An Anthropic model with {@code stream: true} (Messages API events: message_start, content_block_delta,
 * message_delta with the usage, message_stop): the streaming contract, and an {@code error} event mid-stream
 * failing as the status its type stands for.
 */
class AnthropicStreamingTest extends StreamingProviderContract {

    AnthropicStreamingTest() {
        super(new Wire(ModelProvider.ANTHROPIC, "/v1/", "text/event-stream", FakeModelServer::anthropicStream,
                FakeModelServer::anthropicAnswer,
                (status, message) -> FakeModelServer.Reply.json(status, "{\"type\":\"error\",\"error\":"
                        + "{\"type\":\"rate_limit_error\",\"message\":\"" + message + "\"}}"),
                List.of(sse("content_block_delta", "<html>bad gateway</html>"),
                        sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"x"),
                        sse("content_block_delta", "[1,2]"),
                        sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                                + "\"delta\":[1]}")),
                "event: message_stop"));
    }

    @Test
    void an_overloaded_error_event_mid_stream_fails_retriable_and_an_invalid_request_does_not() {
        server.enqueue(streamed(withErrorEvent("overloaded_error", "Overloaded")),
                streamed(withErrorEvent("invalid_request_error", "prompt is too long")));

        assertThatThrownBy(() -> PartialOutput.to(text -> { }, () -> model(true).chat(hello())))
                .isInstanceOf(InternalServerException.class)
                .hasMessageContaining("model 'fast'")
                .hasMessageContaining("overloaded_error: Overloaded")
                .satisfies(failure -> assertThat(Failures.isRetriable(failure)).isTrue());
        assertThatThrownBy(() -> PartialOutput.to(text -> { }, () -> model(true).chat(hello())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("prompt is too long")
                .satisfies(failure -> assertThat(Failures.isRetriable(failure)).isFalse());
    }

    /** The stream up to its first piece, then the error event, as the API ends it. */
    private List<String> withErrorEvent(String type, String message) {
        List<String> frames = stream(PIECES, 11, 7);
        List<String> cut = new ArrayList<>(frames.subList(0, indexOfPiece(frames, "Hello ") + 1));
        cut.add(FakeModelServer.anthropicErrorEvent(type, message));
        return cut;
    }
}
