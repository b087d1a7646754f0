package io.braid.schema.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a whole reply to an exchange of the JDK's HTTP server, for Braid's small status and metrics endpoints. */
public final class HttpReplies {

    private HttpReplies() {
    }

    /** Sends {@code body} (UTF-8) with the status and content type; the exchange stays the caller's to close. */
    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
