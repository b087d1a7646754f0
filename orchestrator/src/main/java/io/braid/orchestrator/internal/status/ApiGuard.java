package io.braid.orchestrator.internal.status;

import io.braid.orchestrator.ApiTokens;

import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import io.braid.orchestrator.ApiTokens.Caller;
import io.braid.orchestrator.ApiTokens.Scope;
import io.braid.schema.http.HttpReplies;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks in front of the job API, in order: the Host header (when bound to loopback, only loopback names — a
 * DNS-rebinding guard), the bearer token and its scope, for POST a JSON content type (no form post or
 * {@code text/plain} from a browser page can pass) and a bounded body. A refused request is answered here.
 */
public final class ApiGuard {

    /** The largest request body accepted, in bytes; larger ones are answered 413 without being read whole. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final ApiTokens tokens;
    private final boolean loopbackOnly;

    ApiGuard(ApiTokens tokens, InetAddress bound) {
        this.tokens = tokens;
        this.loopbackOnly = bound.isLoopbackAddress();
    }

    /**
     * The caller when the request may go on ({@code "anonymous"} when no tokens are configured), else empty after
     * answering the refusal.
     */
    public Optional<Caller> admit(HttpExchange exchange, Scope needed) throws IOException {
        if (loopbackOnly && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
            refuse(exchange, 421, "this orchestrator listens on loopback and answers only Host localhost, "
                    + "127.0.0.1 or [::1]; to serve other names bind it to an address with --http-bind and set "
                    + "tokens");
            return Optional.empty();
        }
        if (tokens.isEmpty()) {
            return Optional.of(new Caller("anonymous", Scope.OPERATE));
        }
        Optional<Caller> caller = tokens.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (caller.isEmpty()) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"braid\"");
            refuse(exchange, 401, "send 'Authorization: Bearer <token>' with a token from the orchestrator's "
                    + "--api-tokens-file or BRAID_API_TOKEN / BRAID_API_READ_TOKEN (the CLI reads BRAID_API_TOKEN "
                    + "or --api-token-file)");
            return Optional.empty();
        }
        if (!caller.get().scope().allows(needed)) {
            refuse(exchange, 403, "token '" + caller.get().name() + "' has scope read; this needs scope operate");
            return Optional.empty();
        }
        return caller;
    }

    /** The POST body, at most {@link #MAX_BODY_BYTES}, or null after answering 415 or 413. */
    byte[] body(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            refuse(exchange, 415, "POST needs 'Content-Type: application/json' (got " + (type == null ? "none"
                    : TextNode.valueOf(type).toString()) + ")");
            return null;
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
            refuse(exchange, 413, tooLarge());
            return null;
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                refuse(exchange, 413, tooLarge());
                return null;
            }
            return bytes;
        }
    }

    private static String tooLarge() {
        return "the request body is over the limit of " + MAX_BODY_BYTES + " bytes (ApiGuard.MAX_BODY_BYTES)";
    }

    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end > 0 && name.substring(1, end).equals("::1");
        }
        int colon = name.indexOf(':');
        name = colon < 0 ? name : name.substring(0, colon);
        return name.equals("localhost") || name.endsWith(".localhost") || name.matches("127(\\.\\d{1,3}){3}");
    }

    private static void refuse(HttpExchange exchange, int status, String message) throws IOException {
        HttpReplies.send(exchange, status, "application/json", "{\"error\":" + TextNode.valueOf(message) + "}");
    }
}
