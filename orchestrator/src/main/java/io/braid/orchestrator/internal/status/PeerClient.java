package io.braid.orchestrator.internal.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
 * Asks the orchestrator instance holding a job for an answer, as the job API ({@code GET /jobs/{id}}, a replay's dry
 * run) and the console (a branch's detail) forward to it. A peer is only as trusted as the Kafka Streams group's
 * metadata that names it, so: redirects are never followed, the whole exchange (connect, headers, body) must end
 * within {@code --forward-timeout}, a body over {@code --max-forward-bytes} is dropped unread, and anything but
 * Braid's own answer (a 3xx, a 5xx other than 503, an error that is not {@code {"error": "..."}}) becomes a 502
 * naming the peer and the reason.
 */
public final class PeerClient {

    /** An answer to relay: the peer's, or this instance's 502/503 saying why there is none. */
    public record Answer(int status, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration timeout;
    private final int maxBytes;
    private final HttpClient http;

    public PeerClient(Duration timeout, int maxBytes) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        Duration connect = timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5);
        this.http = HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Sends {@code request} (the caller's {@code Authorization} along when not null) to {@code peer}. */
    public Answer send(HttpRequest.Builder request, String peer, String authorization) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(request.timeout(timeout).build(),
                info -> new Capped(maxBytes));
        try {
            HttpResponse<byte[]> response = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return answer(peer, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            sent.cancel(true);
            return failed(peer, late());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return failed(peer, cause instanceof TooLarge ? cause.getMessage()
                    : cause instanceof HttpTimeoutException ? late()
                    : "did not answer: " + cause.getClass().getSimpleName() + " " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sent.cancel(true);
            return new Answer(503, JobStatusServer.error("interrupted while asking " + peer));
        }
    }

    private String late() {
        return "did not answer within " + timeout.toMillis() + " ms (--forward-timeout)";
    }

    private static Answer answer(String peer, int status, String body) {
        if (status >= 300 && status < 400) {
            return failed(peer, "answered a redirect (" + status + "), which is never followed");
        }
        if (status >= 500 && status != 503) {
            return failed(peer, "answered " + status);
        }
        if (status != 200 && !braidError(body)) {
            return failed(peer, "answered " + status + " without Braid's JSON error (not a Braid orchestrator, or its "
                    + "console is off: --no-console)");
        }
        return new Answer(status, body);
    }

    private static boolean braidError(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json != null && json.isObject() && json.path("error").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    private static Answer failed(String peer, String why) {
        return new Answer(502, JobStatusServer.error("the orchestrator holding this job, " + peer + ", " + why));
    }

    /** The reply's body was over the limit. */
    private static final class TooLarge extends IOException {
        TooLarge(int maxBytes) {
            super("answered more than " + maxBytes + " bytes (--max-forward-bytes)");
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
