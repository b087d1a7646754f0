package io.braid.worker.internal.models;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.sse.DefaultServerSentEventParser;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.model.chat.request.ChatRequest;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A provider that never stops sending (one endless line, streamed or not) fails its own call at the model's
 * {@code maxResponseBytes}, as an ordinary non-retriable failure naming the limit, never an OutOfMemoryError; an
 * interrupted or stalled stream tells its listener the failure and no close after it; a stall past the read timeout
 * fails as a (retriable) timeout. Against a real local HTTP server.
 */
class ProviderResponseLimitTest {

    private static final long LIMIT = 64 * 1024;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final HttpServer server;

    ProviderResponseLimitTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        // an endless line: 'x' without a newline, until the client hangs up
        com.sun.net.httpserver.HttpHandler endless = exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = ("data: " + "x".repeat(4090)).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = exchange.getResponseBody()) {
                while (stop.getCount() > 0) {
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException hungUp) {
                // the client stopped reading: expected
            }
        };
        server.createContext("/endless", endless);
        server.createContext("/v1/chat/completions", endless);
        // one event, then nothing until the test ends
        server.createContext("/stalls", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("data: first\n\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stop.await();
            } catch (IOException | InterruptedException ended) {
                // the client hung up or the test ended
            }
        });
        server.start();
    }

    @AfterEach
    void close() {
        stop.countDown();
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private ProviderHttpClient client() {
        return ProviderHttpClient.builder().readTimeout(Duration.ofSeconds(10))
                .maxResponseBytes(LIMIT, "models.fast.maxResponseBytes").build();
    }

    private HttpRequest request(String path) {
        return HttpRequest.builder().method(HttpMethod.POST).url(url(path)).body("{}").build();
    }

    @Test
    void an_endless_unstreamed_answer_fails_at_the_limit_not_retried_and_names_it() {
        assertThatThrownBy(() -> client().execute(request("/endless")))
                .isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("exceeded " + LIMIT + " bytes")
                .hasMessageContaining("models.fast.maxResponseBytes")
                .satisfies(failure -> assertThat(Failures.isRetriable(failure)).isFalse());
    }

    @Test
    void an_endless_streamed_line_fails_the_listener_at_the_limit_with_no_close_after() {
        Recorder recorder = new Recorder();

        client().execute(request("/endless"), new DefaultServerSentEventParser(), recorder);

        assertThat(recorder.calls).containsExactly("open", "error");
        assertThat(recorder.error).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("exceeded " + LIMIT + " bytes")
                .hasMessageContaining("models.fast.maxResponseBytes");
    }

    @Test
    void a_model_with_stream_true_fails_its_branch_call_at_its_configured_limit() {
        ModelSpec spec = new ModelSpec(ModelProvider.OPENAI, url("/endless").replace("/endless", "/v1"), "gpt-fake",
                null, null, null, null, null, Duration.ofSeconds(10), null, null, null, null, true, LIMIT);
        assertThat(spec.problem("fast")).isNull();
        var model = ChatModels.build("fast", spec, name -> null, false, Clock.systemUTC());
        ChatRequest hello = ChatRequest.builder().messages(UserMessage.from("hello")).build();

        assertThatThrownBy(() -> PartialOutput.to(text -> { }, () -> model.chat(hello)))
                .satisfies(failure -> assertThat(Failures.isRetriable(failure)).isFalse())
                .hasMessageContaining("models.fast.maxResponseBytes");
        assertThatThrownBy(() -> model.chat(hello)).as("unstreamed alike")
                .satisfies(failure -> assertThat(Failures.isRetriable(failure)).isFalse())
                .hasMessageContaining("models.fast.maxResponseBytes");
    }

    @Test
    void the_limit_is_validated_and_named() {
        for (long bad : new long[] {0, -1, 1023, ModelSpec.MAX_MAX_RESPONSE_BYTES + 1}) {
            ModelSpec spec = new ModelSpec(ModelProvider.OPENAI, null, "gpt-fake", null, null, null, null, null,
                    null, null, null, null, null, null, bad);
            assertThat(spec.problem("fast")).contains("models.fast.maxResponseBytes " + bad, "outside");
        }
    }

    @Test
    void an_interrupted_stream_tells_the_failure_and_no_close_after_it() throws Exception {
        Recorder recorder = new Recorder();
        Thread reader = Thread.ofVirtual().start(() ->
                client().execute(request("/stalls"), new DefaultServerSentEventParser(), recorder));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.calls.contains("event"));

        reader.interrupt();
        reader.join(Duration.ofSeconds(10));

        assertThat(reader.isAlive()).isFalse();
        assertThat(recorder.calls).containsExactly("open", "event", "error");
    }

    @Test
    void a_stream_that_sends_nothing_for_the_read_timeout_fails_as_a_timeout_with_no_close_after() {
        Recorder recorder = new Recorder();
        ProviderHttpClient client = ProviderHttpClient.builder().readTimeout(Duration.ofMillis(500)).build();

        client.execute(request("/stalls"), new DefaultServerSentEventParser(), recorder);

        assertThat(recorder.calls).containsExactly("open", "event", "error");
        assertThat(recorder.error).isInstanceOf(dev.langchain4j.exception.TimeoutException.class)
                .hasMessageContaining("sent nothing for 500 ms");
        assertThat(Failures.isRetriable(recorder.error)).as("a stall may pass on the next attempt").isTrue();
    }

    @Test
    void an_unstreamed_answer_that_stalls_fails_as_a_timeout() {
        ProviderHttpClient client = ProviderHttpClient.builder().readTimeout(Duration.ofMillis(500)).build();

        assertThatThrownBy(() -> client.execute(request("/stalls")))
                .isInstanceOf(dev.langchain4j.exception.TimeoutException.class)
                .hasMessageContaining("sent nothing for 500 ms");
    }

    private static final class Recorder implements ServerSentEventListener {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile Throwable error;

        @Override
        public void onOpen(dev.langchain4j.http.client.SuccessfulHttpResponse response) {
            calls.add("open");
        }

        @Override
        public void onEvent(ServerSentEvent event) {
            calls.add("event");
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            calls.add("error");
        }

        @Override
        public void onClose() {
            calls.add("close");
        }
    }
}
