package io.braid.worker.internal.models;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.braid.testing.FakeModelServer;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.execute.Failures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every provider with {@code stream: true} must do, against a local server speaking its wire format: inside a
 * branch run the pieces reach the branch's partial output in order and the call answers the whole text with the
 * usage of the final events; an error status fails as the unstreamed call would; a frame that is not the
 * provider's JSON, a stream cut off before its end marker, a stream past {@code maxResponseBytes} and a stream that
 * goes silent for the model's timeout fail the call; outside a branch run nothing is streamed.
 */
abstract class StreamingProviderContract {

    static final List<String> PIECES = List.of("Hello ", "wor", "ld");

    protected final FakeModelServer server = FakeModelServer.start();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private HttpServer silent;

    @AfterEach
    void stop() {
        stalled.countDown();
        server.close();
        if (silent != null) {
            silent.stop(0);
        }
    }

    /**
     * A provider's wire format, as the contract needs it.
     *
     * @param pathPrefix     what follows the server's root in the model's base URL
     * @param stream         the streamed answer to the pieces (input, output tokens), frame by frame, ending with
     *                       its end marker
     * @param error          the provider's error body with a status and a message
     * @param malformed      frames that are not the provider's JSON, or that its langchain4j model cannot read
     * @param endMarker      how the failure of a stream without its end names the marker
     */
    record Wire(ModelProvider provider, String pathPrefix, String contentType, Streamer stream, Answerer answer,
                java.util.function.BiFunction<Integer, String, FakeModelServer.Reply> error, List<String> malformed,
                String endMarker) {
    }

    interface Streamer {
        List<String> frames(String model, List<String> pieces, int inputTokens, int outputTokens);
    }

    interface Answerer {
        FakeModelServer.Reply answer(String model, String text, int inputTokens, int outputTokens);
    }

    private final Wire wire;

    StreamingProviderContract(Wire wire) {
        this.wire = wire;
    }

    List<String> stream(List<String> pieces, int inputTokens, int outputTokens) {
        return wire.stream().frames("fake-model", pieces, inputTokens, outputTokens);
    }

    ChatModel model(boolean stream, Long maxResponseBytes, Duration timeout, String root) {
        ModelSpec spec = new ModelSpec(wire.provider(), root + wire.pathPrefix(), "fake-model", "FAKE_KEY", null, null, null, null,
                timeout, null, null, null, null, stream, maxResponseBytes);
        assertThat(spec.problem("fast")).isNull();
        return ChatModels.build("fast", spec, name -> "fake-key-123", false, Clock.systemUTC());
    }

    ChatModel model(boolean stream) {
        return model(stream, null, Duration.ofSeconds(10), server.baseUrl());
    }

    static ChatRequest hello() {
        return ChatRequest.builder().messages(UserMessage.from("hello")).build();
    }

    FakeModelServer.Reply streamed(List<String> frames) {
        return FakeModelServer.streamed(wire.contentType(), frames);
    }

    @Test
    void inside_a_branch_run_the_pieces_reach_partial_output_in_order_and_the_whole_answer_comes_back()
            throws Exception {
        server.enqueue(streamed(stream(PIECES, 11, 7)));
        List<String> pieces = new CopyOnWriteArrayList<>();

        ChatResponse response = PartialOutput.to(pieces::add, () -> model(true).chat(hello()));

        assertThat(pieces).containsExactlyElementsOf(PIECES);
        assertThat(response.aiMessage().text()).isEqualTo("Hello world");
        assertThat(response.tokenUsage().inputTokenCount()).as("usage from the final events").isEqualTo(11);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(7);
        assertThat(server.received()).singleElement().satisfies(request ->
                assertThat(request.json().path("stream").asBoolean()).isTrue());
    }

    @Test
    void a_streamed_call_refused_with_429_fails_as_the_unstreamed_call_would() {
        server.enqueue(wire.error().apply(429, "slow down").withHeader("Retry-After", "20"),
                wire.error().apply(429, "slow down").withHeader("Retry-After", "20"));

        Throwable streamed = catchFailure(() -> PartialOutput.to(text -> { }, () -> model(true).chat(hello())));
        Throwable unstreamed = catchFailure(() -> model(true).chat(hello()));

        assertThat(streamed).isInstanceOf(RateLimitException.class).hasSameClassAs(unstreamed);
        assertThat(Failures.isRetriable(streamed)).isTrue();
        assertThat(Failures.retryAfter(streamed)).contains(Duration.ofSeconds(20));
        assertThat(Failures.retryAfter(unstreamed)).contains(Duration.ofSeconds(20));
    }

    @Test
    void a_frame_that_is_not_the_providers_json_fails_the_call_naming_the_model() {
        for (String bad : wire.malformed()) {
            List<String> frames = new ArrayList<>(stream(PIECES, 11, 7));
            frames.add(indexOfPiece(frames, "Hello ") + 1, bad);
            server.enqueue(streamed(frames));
            List<String> pieces = new CopyOnWriteArrayList<>();

            assertThatThrownBy(() -> PartialOutput.to(pieces::add, () -> model(true).chat(hello())))
                    .as("frame %s", bad)
                    .isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("model 'fast'");
            assertThat(pieces).as("nothing streamed after the bad frame %s", bad).containsExactly("Hello ");
        }
    }

    @Test
    void a_stream_cut_off_before_its_end_marker_fails_rather_than_answering_part() {
        List<String> frames = new ArrayList<>(stream(PIECES, 11, 7));
        frames.removeLast();
        server.enqueue(streamed(frames));

        assertThatThrownBy(() -> PartialOutput.to(text -> { }, () -> model(true).chat(hello())))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("model 'fast'")
                .hasMessageContaining(wire.endMarker())
                .hasMessageContaining("incomplete")
                .satisfies(failure -> assertThat(Failures.isRetriable(failure)).isTrue());
    }

    @Test
    void a_stream_past_max_response_bytes_fails_not_retried_naming_the_limit() {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pieces.add("x".repeat(50));
        }
        server.enqueue(streamed(stream(pieces, 11, 40)));
        ChatModel model = model(true, ModelSpec.MIN_MAX_RESPONSE_BYTES, Duration.ofSeconds(10), server.baseUrl());

        assertThatThrownBy(() -> PartialOutput.to(text -> { }, () -> model.chat(hello())))
                .isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("models.fast.maxResponseBytes")
                .hasMessageContaining("exceeded " + ModelSpec.MIN_MAX_RESPONSE_BYTES + " bytes");
    }

    @Test
    void a_stream_that_goes_silent_fails_after_the_model_timeout() throws Exception {
        List<String> frames = stream(PIECES, 11, 7);
        String opening = String.join("", frames.subList(0, indexOfPiece(frames, "Hello ") + 1));
        silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        silent.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        silent.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", wire.contentType());
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(opening.getBytes(StandardCharsets.UTF_8));
                out.flush();
                stalled.await();
            } catch (IOException | InterruptedException ended) {
                // the client hung up or the test ended
            }
        });
        silent.start();
        ChatModel model = model(true, null, Duration.ofMillis(500),
                "http://127.0.0.1:" + silent.getAddress().getPort());
        List<String> pieces = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> PartialOutput.to(pieces::add, () -> model.chat(hello())))
                .isInstanceOf(dev.langchain4j.exception.TimeoutException.class)
                .hasMessageContaining("sent nothing for 500 ms")
                .satisfies(failure -> assertThat(Failures.isRetriable(failure)).isTrue());
        assertThat(pieces).containsExactly("Hello ");
    }

    @Test
    void outside_a_branch_run_or_without_stream_the_call_is_not_streamed() throws Exception {
        server.fallback(request -> wire.answer().answer("fake-model", "plain", 3, 1));

        assertThat(model(true).chat(hello()).aiMessage().text()).isEqualTo("plain");
        assertThat(PartialOutput.to(text -> { }, () -> model(false).chat(hello())).aiMessage().text())
                .isEqualTo("plain");
        assertThat(server.received()).hasSize(2).allSatisfy(request ->
                assertThat(request.json().path("stream").asBoolean(false)).isFalse());
    }

    static int indexOfPiece(List<String> frames, String piece) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).contains("\"" + piece + "\"")) {
                return i;
            }
        }
        throw new AssertionError("no frame holds " + piece);
    }

    interface Call {
        Object run() throws Exception;
    }

    static Throwable catchFailure(Call call) {
        try {
            call.run();
        } catch (Throwable failure) {
            return failure;
        }
        throw new AssertionError("the call did not fail");
    }
}
