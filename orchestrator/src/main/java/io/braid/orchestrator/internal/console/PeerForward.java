package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.orchestrator.ConsoleSettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the orchestrator instance holding a job for a console answer (a branch's detail), as {@code GET /jobs/{id}}
 * is forwarded: the caller's {@code Authorization} along, {@code ?from=forwarded} so the peer answers from its own
 * state and never forwards again. Hardened, since a peer is only as trusted as the group's metadata: redirects are
 * never followed, the whole exchange (connect, headers, body) must end within {@code --console-forward-timeout}, a
 * body over {@code --console-max-forward-bytes} is dropped unread, and anything but the console's own answer
 * (a 3xx, a 5xx other than 503, an error that is not the console's JSON) is answered 502 with the reason.
 */
final class PeerForward {

    /** The query a forwarded request carries. */
    static final String MARK = "from=forwarded";

    private final Duration timeout;
    private final int maxBytes;
    private final HttpClient http;

    PeerForward(ConsoleSettings settings) {
        this.timeout = settings.forwardTimeout();
        this.maxBytes = settings.maxForwardBytes();
        Duration connect = timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5);
        this.http = HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The peer's answer to {@code GET rawPath?from=forwarded}, or 502 saying why there is none. */
    ConsoleData.Answer get(String host, int port, String rawPath, String authorization) {
        String peer = host + ":" + port;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + peer + rawPath + "?" + MARK))
                .timeout(timeout);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(request.build(), info -> new Capped(maxBytes));
        try {
            HttpResponse<byte[]> response = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return answer(peer, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            sent.cancel(true);
            return failed(peer, late());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return failed(peer, cause instanceof TooLarge ? cause.getMessage()
                    : cause instanceof java.net.http.HttpTimeoutException ? late()
                    : "did not answer: " + cause.getClass().getSimpleName() + " " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sent.cancel(true);
            return new ConsoleData.Answer(503, ConsoleServer.error("interrupted while asking " + peer));
        }
    }

    private String late() {
        return "did not answer within " + timeout.toMillis() + " ms (--console-forward-timeout)";
    }

    private static ConsoleData.Answer answer(String peer, int status, String body) {
        if (status >= 300 && status < 400) {
            return failed(peer, "answered a redirect (" + status + "), which the console does not follow");
        }
        if (status >= 500 && status != 503) {
            return failed(peer, "answered " + status);
        }
        if (status != 200 && !consoleError(body)) {
            return failed(peer, "answered " + status + " without the console's JSON error (is its console off, "
                    + "--no-console?)");
        }
        return new ConsoleData.Answer(status, body);
    }

    private static boolean consoleError(String body) {
        try {
            JsonNode json = JobEntry.JSON.readTree(body);
            return json != null && json.isObject() && json.path("error").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    private static ConsoleData.Answer failed(String peer, String why) {
        return new ConsoleData.Answer(502, ConsoleServer.error("the orchestrator holding this job, " + peer + ", "
                + why));
    }

    /** The reply's body was over the limit. */
    private static final class TooLarge extends IOException {
        TooLarge(int maxBytes) {
            super("answered more than " + maxBytes + " bytes (--console-max-forward-bytes)");
        }
    }

    /** Collects a body of at most {@code maxBytes}; past it, stops reading and fails with {@link TooLarge}. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Capped(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription value) {
            subscription = value;
            value.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (bytes.size() + buffer.remaining() > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(new TooLarge(maxBytes));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
