package io.braid.schema.serde;

import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A schema registry over real HTTP that can be made to fail: it serves the schemas put into it by id (404 with
 * Confluent's error code for others) and answers registrations with a fixed id, until told to answer 503, close
 * connections, hang, refuse credentials or answer a page that is not a registry's.
 */
final class FakeRegistryServer implements AutoCloseable {

    enum Mode { UP, ANSWER_503, CLOSE_CONNECTIONS, HANG, ANSWER_401, ANSWER_HTML, ANSWER_409 }

    private final HttpServer server;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.UP);
    private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private final int registeredId;

    FakeRegistryServer(int registeredId) throws IOException {
        this.registeredId = registeredId;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void mode(Mode next) {
        mode.set(next);
    }

    void schema(int id, String text) {
        schemas.put(id, text);
    }

    int calls() {
        return calls.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        try (exchange) {
            switch (mode.get()) {
                case UP -> answerUp(exchange);
                case ANSWER_503 -> answer(exchange, 503, "{\"error_code\": 50301, \"message\": \"store unavailable\"}");
                case CLOSE_CONNECTIONS -> {
                    // closed below without an answer: the client sees the connection end
                }
                case HANG -> await();
                case ANSWER_401 -> answer(exchange, 401, "{\"error_code\": 401, \"message\": \"Unauthorized\"}");
                case ANSWER_HTML -> answer(exchange, 200, "<html>captive portal</html>");
                case ANSWER_409 -> answer(exchange, 409, "{\"error_code\": 409, \"message\": \"incompatible\"}");
            }
        }
    }

    private void answerUp(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (exchange.getRequestMethod().equals("POST")) {
            answer(exchange, 200, "{\"id\": " + registeredId + "}");
            return;
        }
        String id = path.substring(path.lastIndexOf('/') + 1);
        String schema = path.startsWith("/schemas/ids/") ? schemas.get(Integer.parseInt(id)) : null;
        if (schema == null) {
            answer(exchange, 404, "{\"error_code\": 40403, \"message\": \"Schema " + id + " not found\"}");
        } else {
            answer(exchange, 200, "{\"schema\": " + TextNode.valueOf(schema) + "}");
        }
    }

    private void await() {
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
