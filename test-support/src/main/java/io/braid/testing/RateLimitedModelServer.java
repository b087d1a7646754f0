package io.braid.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A <b>fake, simulated</b> OpenAI-compatible model provider that enforces rate limits, for tests and benchmarks
 * (no model behind it: every answer is the same canned text). A real HTTP server on 127.0.0.1 serves
 * {@code POST /v1/chat/completions} in OpenAI's wire format, usage included ({@code prompt_tokens},
 * {@code completion_tokens}), after a fixed {@link Limits#latency}; past either limit it answers
 * {@code 429 Too Many Requests} with a {@code Retry-After} header (whole seconds, at least 1) and OpenAI's
 * {@code rate_limit_exceeded} error body, as OpenAI does.
 *
 * <p><b>How the limits are counted.</b> Over a <em>sliding</em> window of {@link Limits#window}: at any moment, the
 * requests accepted during the last {@code window} are at most {@code requestsPerMinute × window / 1 min} and their
 * tokens at most {@code tokensPerMinute × window / 1 min} (rounded down, at least 1). With the default window of a
 * minute that is the provider's per-minute limit; a shorter window (e.g. 6 s, so a benchmark runs in minutes) keeps
 * the same rate per minute but allows no burst of a whole minute's allowance: a client that spreads the per-minute
 * rate evenly passes both. A request is charged its prompt tokens (the characters of its messages / 4, rounded up,
 * at least 1) plus the completion tokens the server will answer ({@link Limits#completionTokens}, or the request's
 * {@code max_tokens} / {@code max_completion_tokens} if lower) when it is accepted; refused requests are not charged.
 *
 * <p>Every answer carries {@code x-fake-provider: simulated} and OpenAI's {@code x-ratelimit-*} headers. The server
 * counts, per second since its first request, the requests it accepted, their tokens and the 429s it answered
 * ({@link #perSecond()}).
 */
public final class RateLimitedModelServer implements AutoCloseable {

    /** The model name the answers carry when the request names none. */
    public static final String MODEL = "fake-rate-limited";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/v1/chat/completions";
    private static final Duration MAX_LATENCY = Duration.ofMinutes(10);

    /**
     * What the server allows and how it answers.
     *
     * @param requestsPerMinute requests accepted per minute, counted over {@code window} (1 or more)
     * @param tokensPerMinute   prompt plus completion tokens accepted per minute, counted over {@code window}
     * @param window            the sliding window the limits are enforced over: 1 s to 1 min
     * @param latency           how long an accepted request waits before its answer: 0 to 10 min
     * @param completionTokens  the completion tokens of every answer, unless the request asks for fewer (1 or more)
     */
    public record Limits(int requestsPerMinute, long tokensPerMinute, Duration window, Duration latency,
                         int completionTokens) {

        public Limits {
            if (requestsPerMinute < 1) {
                throw new IllegalArgumentException("requestsPerMinute = " + requestsPerMinute + "; use 1 or more");
            }
            if (tokensPerMinute < 1) {
                throw new IllegalArgumentException("tokensPerMinute = " + tokensPerMinute + "; use 1 or more");
            }
            if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0
                    || window.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("window = " + window + "; use 1 s to 1 min");
            }
            if (latency == null || latency.isNegative() || latency.compareTo(MAX_LATENCY) > 0) {
                throw new IllegalArgumentException("latency = " + latency + "; use 0 to " + MAX_LATENCY);
            }
            if (completionTokens < 1) {
                throw new IllegalArgumentException("completionTokens = " + completionTokens + "; use 1 or more");
            }
        }

        /** Per-minute limits over a window of a minute, answering at once with 20 completion tokens. */
        public static Limits perMinute(int requestsPerMinute, long tokensPerMinute) {
            return new Limits(requestsPerMinute, tokensPerMinute, Duration.ofMinutes(1), Duration.ZERO, 20);
        }

        public Limits window(Duration value) {
            return new Limits(requestsPerMinute, tokensPerMinute, value, latency, completionTokens);
        }

        public Limits latency(Duration value) {
            return new Limits(requestsPerMinute, tokensPerMinute, window, value, completionTokens);
        }

        public Limits completionTokens(int value) {
            return new Limits(requestsPerMinute, tokensPerMinute, window, latency, value);
        }

        /** Requests the window holds: the per-minute limit scaled to the window, at least 1. */
        public int requestsPerWindow() {
            return (int) Math.max(1, (long) requestsPerMinute * window.toMillis() / 60_000);
        }

        /** Tokens the window holds: the per-minute limit scaled to the window, at least 1. */
        public long tokensPerWindow() {
            return Math.max(1, tokensPerMinute * window.toMillis() / 60_000);
        }
    }

    /**
     * What happened in one second since the server's first request.
     *
     * @param second   seconds since the first request (0 = its second)
     * @param accepted requests answered 200
     * @param tokens   tokens charged to them
     * @param rejected requests answered 429
     */
    public record Second(long second, long accepted, long tokens, long rejected) {
    }

    private final HttpServer server;
    private final Limits limits;
    private final Clock clock;
    private final RateWindow window;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final TreeMap<Long, long[]> seconds = new TreeMap<>();
    private final AtomicLong ids = new AtomicLong();
    private long firstRequestMillis = -1;

    private RateLimitedModelServer(HttpServer server, Limits limits, Clock clock) {
        this.server = server;
        this.limits = limits;
        this.clock = clock;
        this.window = new RateWindow(limits.window(), limits.requestsPerWindow(), limits.tokensPerWindow());
    }

    /** Starts serving on a free loopback port, on the system clock. */
    public static RateLimitedModelServer start(Limits limits) {
        return start(limits, Clock.systemUTC());
    }

    /** Starts serving on a free loopback port; the window and the per-second counts follow {@code clock}. */
    public static RateLimitedModelServer start(Limits limits, Clock clock) {
        try {
            // a backlog for a fleet of workers connecting at once
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            RateLimitedModelServer fake = new RateLimitedModelServer(http, limits, clock);
            http.createContext("/", fake::handle);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake rate-limited model server", e);
        }
    }

    /** The base URL an OpenAI client takes, e.g. {@code http://127.0.0.1:41234/v1}. */
    public String openAiBaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public Limits limits() {
        return limits;
    }

    /** Every second from the first request's to the last one's, in order, with zeros for quiet seconds. */
    public List<Second> perSecond() {
        synchronized (window) {
            List<Second> all = new ArrayList<>();
            if (seconds.isEmpty()) {
                return all;
            }
            long last = seconds.lastKey();
            for (long s = 0; s <= last; s++) {
                long[] counts = seconds.getOrDefault(s, new long[3]);
                all.add(new Second(s, counts[0], counts[1], counts[2]));
            }
            return all;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            exchange.getResponseHeaders().add("x-fake-provider", "simulated (braid RateLimitedModelServer)");
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                send(exchange, 404, error("invalid_request_error", null, "fake provider: only POST " + PATH));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, error("invalid_request_error", null, "fake provider: use POST " + PATH));
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (IOException e) {
                send(exchange, 400, error("invalid_request_error", null, "fake provider: the body is not JSON"));
                return;
            }
            if (request == null || !request.path("messages").isArray()) {
                send(exchange, 400, error("invalid_request_error", null, "fake provider: 'messages' is missing"));
                return;
            }
            answer(exchange, request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the client gave up (its timeout); nothing to answer
        }
    }

    private void answer(HttpExchange exchange, JsonNode request) throws IOException, InterruptedException {
        int promptTokens = promptTokens(request.path("messages"));
        int completion = completionTokens(request);
        RateWindow.Admission admission = admit(promptTokens + completion);
        exchange.getResponseHeaders().add("x-ratelimit-limit-requests", Integer.toString(limits.requestsPerMinute()));
        exchange.getResponseHeaders().add("x-ratelimit-limit-tokens", Long.toString(limits.tokensPerMinute()));
        exchange.getResponseHeaders().add("x-ratelimit-remaining-requests",
                Integer.toString(admission.remainingRequests()));
        exchange.getResponseHeaders().add("x-ratelimit-remaining-tokens", Long.toString(admission.remainingTokens()));
        if (!admission.admitted()) {
            long retrySeconds = Math.max(1, (admission.retryAfter().toMillis() + 999) / 1000);
            exchange.getResponseHeaders().add("Retry-After", Long.toString(retrySeconds));
            send(exchange, 429, error(admission.limit().startsWith("requests") ? "requests" : "tokens",
                    "rate_limit_exceeded", "fake provider: rate limit reached for "
                    + admission.limit() + " (window " + limits.window().toSeconds() + " s); try again in "
                    + retrySeconds + " s"));
            return;
        }
        if (!limits.latency().isZero() && closing.await(limits.latency().toMillis(), TimeUnit.MILLISECONDS)) {
            return; // closing: drop the connection
        }
        String model = request.path("model").asText(MODEL);
        ObjectNode answer = JSON.createObjectNode().put("id", "chatcmpl-fake-" + ids.incrementAndGet())
                .put("object", "chat.completion").put("created", clock.millis() / 1000).put("model", model);
        ObjectNode choice = answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", "simulated answer from a fake provider");
        answer.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completion)
                .put("total_tokens", promptTokens + completion);
        send(exchange, 200, answer);
    }

    /** Admits (or refuses) a request of {@code tokens} now, and counts it in its second. */
    private RateWindow.Admission admit(long tokens) {
        synchronized (window) {
            long now = clock.millis();
            if (firstRequestMillis < 0) {
                firstRequestMillis = now;
            }
            RateWindow.Admission admission = window.admit(now, tokens);
            long[] counts = seconds.computeIfAbsent(Math.floorDiv(now - firstRequestMillis, 1000), s -> new long[3]);
            if (admission.admitted()) {
                counts[0]++;
                counts[1] += tokens;
            } else {
                counts[2]++;
            }
            return admission;
        }
    }

    /** Characters of every message's text / 4, rounded up, at least 1: a rough count, as a client estimates. */
    static int promptTokens(JsonNode messages) {
        long chars = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                chars += content.asText().length();
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    chars += part.path("text").asText("").length();
                }
            }
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (chars + 3) / 4));
    }

    private int completionTokens(JsonNode request) {
        int asked = Integer.MAX_VALUE;
        for (String field : List.of("max_tokens", "max_completion_tokens")) {
            if (request.path(field).canConvertToInt() && request.path(field).asInt() >= 1) {
                asked = Math.min(asked, request.path(field).asInt());
            }
        }
        return Math.min(limits.completionTokens(), asked);
    }

    private static ObjectNode error(String type, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error").put("message", message).put("type", type);
        if (code != null) {
            error.put("code", code);
        }
        return body;
    }

    private static void send(HttpExchange exchange, int status, ObjectNode json) throws IOException {
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
