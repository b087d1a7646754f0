package io.braid.orchestrator.internal.console;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.braid.schema.http.HttpReplies;

import java.io.IOException;

/**
 * In front of every console reply (pages, assets, data, errors) and of the port's unknown paths: sets the security
 * headers, and answers what the console never takes before a handler sees it — a method other than GET (405), a
 * request body (413), a request target longer than {@link #maxUriChars} (414) — and a handler's unexpected failure
 * (500), each as JSON {@code {"error": "..."}}.
 */
final class ConsoleFilter extends Filter {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConsoleFilter.class);

    private final int maxNameChars;

    ConsoleFilter(int maxNameChars) {
        this.maxNameChars = maxNameChars;
    }

    /**
     * The longest request target (path and query, as sent) the console reads: room for two ids and a query of names,
     * each at most {@code --console-max-name-chars}, percent-encoded.
     */
    int maxUriChars() {
        return 16 * maxNameChars + 1_024;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
        String target = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? ""
                : "?" + exchange.getRequestURI().getRawQuery());
        try (exchange) {
            try {
                refuseOrPass(exchange, chain, target);
            } catch (RuntimeException e) {
                log.warn("console request {} failed", Cut.cut(target, maxNameChars), e);
                if (exchange.getResponseCode() == -1) {
                    json(exchange, 500, "the console failed on this request (" + e.getClass().getSimpleName()
                            + "); the orchestrator's log has the details");
                }
            }
        }
    }

    private void refuseOrPass(HttpExchange exchange, Chain chain, String target) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            json(exchange, 405, "the console answers GET only; replays go to POST /jobs/{jobId}/replay, "
                    + "cancels to POST /jobs/{jobId}/cancel");
        } else if (hasBody(exchange.getRequestHeaders())) {
            json(exchange, 413, "the console's requests carry no body (its limit is 0 bytes)");
        } else if (target.length() > maxUriChars()) {
            json(exchange, 414, "the request target is " + target.length() + " characters, over the console's "
                    + "limit of " + maxUriChars() + " (16 × --console-max-name-chars + 1024)");
        } else {
            chain.doFilter(exchange);
        }
    }

    private static boolean hasBody(Headers request) {
        String length = request.getFirst("Content-Length");
        return request.containsKey("Transfer-Encoding") || length != null && !length.strip().equals("0");
    }

    /** Answers everything the port has no context for: the console's address at the root, else 404. */
    static HttpHandler unknownPaths() {
        return exchange -> {
            if (exchange.getRequestURI().getRawPath().equals("/")) {
                exchange.getResponseHeaders().set("Location", "/console/");
                exchange.sendResponseHeaders(308, -1);
            } else {
                json(exchange, 404, "no such path; the console is at /console/, the job API at /jobs/{jobId}");
            }
        };
    }

    static void json(HttpExchange exchange, int status, String message) throws IOException {
        HttpReplies.send(exchange, status, "application/json", ConsoleServer.error(message));
    }

    @Override
    public String description() {
        return "the console's security headers and refusals";
    }
}
