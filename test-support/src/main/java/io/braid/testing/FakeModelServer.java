package io.braid.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A <b>fake</b> model provider for tests: a real HTTP server on 127.0.0.1 that answers with scripted responses in
 * the wire formats of the OpenAI chat completions API, Ollama's native {@code /api/chat} and Anthropic's
 * Messages API, so langchain4j's real HTTP and JSON path is exercised. Scripted answers are served in order; after
 * the script runs out, {@link #fallback} answers. Every request is recorded.
 */
public final class FakeModelServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scripted answer: status, headers, body, and how long to wait before sending it. */
    public record Reply(int status, Map<String, String> headers, String body, Duration delay) {
        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body, Duration.ZERO);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> all = new java.util.LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, all, body, delay);
        }

        public Reply after(Duration wait) {
            return new Reply(status, headers, body, wait);
        }
    }

    /** A request the server received. */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Received, Reply> fallback = request -> Reply.json(500,
            "{\"error\":{\"message\":\"fake model server: no scripted reply left\"}}");

    private FakeModelServer(HttpServer server) {
        this.server = server;
    }

    public static FakeModelServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeModelServer fake = new FakeModelServer(server);
            server.createContext("/", fake::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}; OpenAI clients use {@code baseUrl() + "/v1"}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeModelServer enqueue(Reply... replies) {
        synchronized (script) {
            script.addAll(List.of(replies));
        }
        return this;
    }

    /** Answers every request once the script is used up. */
    public FakeModelServer fallback(Function<Received, Reply> answer) {
        this.fallback = answer;
        return this;
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            synchronized (received) {
                received.add(request);
            }
            Reply reply;
            synchronized (script) {
                reply = script.pollFirst();
            }
            if (reply == null) {
                reply = fallback.apply(request);
            }
            if (!reply.delay().isZero() && closing.await(reply.delay().toMillis(), TimeUnit.MILLISECONDS)) {
                return; // closing: drop the connection
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the client gave up (its timeout); nothing to answer
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }

    // ---- wire formats -------------------------------------------------------------------------------------

    /** An OpenAI chat completion answering {@code text}. */
    public static Reply openAiAnswer(String model, String text, int promptTokens, int completionTokens) {
        ObjectNode body = openAiEnvelope(model, promptTokens, completionTokens);
        ObjectNode choice = ((ArrayNode) body.get("choices")).addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text);
        return Reply.json(200, body.toString());
    }

    /** An OpenAI chat completion asking for one tool call. */
    public static Reply openAiToolCall(String model, String callId, String tool, String argumentsJson) {
        ObjectNode body = openAiEnvelope(model, 20, 10);
        ObjectNode choice = ((ArrayNode) body.get("choices")).addObject();
        choice.put("index", 0).put("finish_reason", "tool_calls");
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        message.putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject().put("id", callId).put("type", "function");
        call.putObject("function").put("name", tool).put("arguments", argumentsJson);
        return Reply.json(200, body.toString());
    }

    /** An OpenAI-style error body with {@code status}. */
    public static Reply openAiError(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type);
        return Reply.json(status, body.toString());
    }

    private static ObjectNode openAiEnvelope(String model, int promptTokens, int completionTokens) {
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-fake").put("object", "chat.completion")
                .put("created", 1_760_000_000L).put("model", model);
        body.putArray("choices");
        body.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return body;
    }

    /** An Ollama {@code /api/chat} answer (not streamed). */
    public static Reply ollamaAnswer(String model, String text, int promptTokens, int evalTokens) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("created_at", "2026-11-24T10:00:00Z")
                .put("done", true).put("done_reason", "stop")
                .put("prompt_eval_count", promptTokens).put("eval_count", evalTokens);
        body.putObject("message").put("role", "assistant").put("content", text);
        return Reply.json(200, body.toString());
    }

    /** An Anthropic Messages API answer. */
    public static Reply anthropicAnswer(String model, String text, int inputTokens, int outputTokens) {
        ObjectNode body = JSON.createObjectNode().put("id", "msg_fake").put("type", "message")
                .put("role", "assistant").put("model", model).put("stop_reason", "end_turn");
        body.putArray("content").addObject().put("type", "text").put("text", text);
        body.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", outputTokens);
        return Reply.json(200, body.toString());
    }

    // ---- streamed answers: lists of frames, so a test can cut, corrupt or grow them ----------------------------

    /** A streamed answer: the frames one after another ({@code text/event-stream} or NDJSON). */
    public static Reply streamed(String contentType, List<String> frames) {
        return new Reply(200, Map.of("Content-Type", contentType), String.join("", frames), Duration.ZERO);
    }

    /** OpenAI chat completion chunks answering {@code pieces}, then the usage chunk and {@code data: [DONE]}. */
    public static List<String> openAiStream(String model, List<String> pieces, int promptTokens,
                                            int completionTokens) {
        List<String> frames = new ArrayList<>();
        frames.add(sse(null, openAiChunk(model, JSON.createObjectNode().put("role", "assistant").put("content", ""),
                null)));
        pieces.forEach(piece -> frames.add(sse(null, openAiChunk(model,
                JSON.createObjectNode().put("content", piece), null))));
        frames.add(sse(null, openAiChunk(model, JSON.createObjectNode(), "stop")));
        ObjectNode usage = openAiEnvelope(model, promptTokens, completionTokens).put("object", "chat.completion.chunk");
        frames.add(sse(null, usage.toString()));
        frames.add(sse(null, "[DONE]"));
        return frames;
    }

    /**
     * Anthropic Messages API events answering {@code pieces}: message_start (input tokens), a text block with a
     * ping inside, message_delta (output tokens), message_stop.
     */
    public static List<String> anthropicStream(String model, List<String> pieces, int inputTokens,
                                               int outputTokens) {
        List<String> frames = new ArrayList<>();
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message").put("id", "msg_fake").put("type", "message")
                .put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 1);
        frames.add(sse("message_start", start.toString()));
        frames.add(sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        frames.add(sse("ping", "{\"type\": \"ping\"}"));
        for (String piece : pieces) {
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", piece);
            frames.add(sse("content_block_delta", delta.toString()));
        }
        frames.add(sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", "end_turn");
        end.putObject("usage").put("output_tokens", outputTokens);
        frames.add(sse("message_delta", end.toString()));
        frames.add(sse("message_stop", "{\"type\":\"message_stop\"}"));
        return frames;
    }

    /** An Anthropic {@code error} event, as the API sends mid-stream (e.g. {@code overloaded_error}). */
    public static String anthropicErrorEvent(String type, String message) {
        ObjectNode error = JSON.createObjectNode().put("type", "error");
        error.putObject("error").put("type", type).put("message", message);
        return sse("error", error.toString());
    }

    /** Ollama {@code /api/chat} lines (NDJSON) answering {@code pieces}, the last with done:true and the counts. */
    public static List<String> ollamaStream(String model, List<String> pieces, int promptTokens, int evalTokens) {
        List<String> frames = new ArrayList<>();
        for (String piece : pieces) {
            ObjectNode line = JSON.createObjectNode().put("model", model).put("created_at", "2026-11-24T10:00:00Z")
                    .put("done", false);
            line.putObject("message").put("role", "assistant").put("content", piece);
            frames.add(line + "\n");
        }
        ObjectNode last = JSON.createObjectNode().put("model", model).put("created_at", "2026-11-24T10:00:01Z")
                .put("done", true).put("done_reason", "stop")
                .put("prompt_eval_count", promptTokens).put("eval_count", evalTokens);
        last.putObject("message").put("role", "assistant").put("content", "");
        frames.add(last + "\n");
        return frames;
    }

    private static String openAiChunk(String model, ObjectNode delta, String finish) {
        ObjectNode chunk = JSON.createObjectNode().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk")
                .put("created", 1_760_000_000L).put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return chunk.toString();
    }

    /** One Server-Sent Event with its blank line; {@code event} null: none named. */
    public static String sse(String event, String data) {
        return (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
    }
}
