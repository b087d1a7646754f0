package io.braid.worker.internal.models;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The HTTP client under every langchain4j model the worker builds, on the JDK's {@link java.net.http.HttpClient}.
 * It differs from langchain4j's JDK client in what a failure says: an error status keeps the provider's
 * {@code Retry-After} ({@link ProviderHttpException}), a timeout is langchain4j's retriable
 * {@link TimeoutException}, a connection failure stays an {@link UncheckedIOException} (retriable), and an
 * interrupted call (a cancelled or timed-out branch) keeps the thread's interrupt flag. An error body is scrubbed
 * of the model's key and of key-shaped words ({@link Redaction}) before it goes into the exception. A streamed
 * answer ({@code stream: true}) is read on the calling thread and fails alike; with its {@link StreamFormat}, a
 * malformed frame or a stream without its end marker fails as a {@link MalformedResponseException}. An answer,
 * streamed or not, past its byte limit fails the call, not retried ({@link BoundedBody}); a body that sends no byte
 * for the read timeout fails as a retriable {@link TimeoutException} (the JDK's request timeout ends at the response
 * headers).
 */
public final class ProviderHttpClient implements HttpClient {

    /** The most of an error body kept in the message: enough for the provider's reason, not a whole HTML page. */
    private static final int ERROR_BODY_LIMIT = 1_000;

    private final java.net.http.HttpClient http;
    private final Duration readTimeout;
    private final Clock clock;
    private final java.util.List<String> secrets;
    private final long maxResponseBytes;
    private final String limitName;
    private final StreamFormat format;

    private ProviderHttpClient(Builder builder) {
        java.net.http.HttpClient.Builder http = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL);
        if (builder.connectTimeout != null) {
            http.connectTimeout(builder.connectTimeout);
        }
        this.http = http.build();
        this.readTimeout = builder.readTimeout;
        this.clock = builder.clock;
        this.secrets = builder.secrets;
        this.maxResponseBytes = builder.maxResponseBytes;
        this.limitName = builder.limitName;
        this.format = builder.format;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        java.net.http.HttpResponse<java.io.InputStream> response = send(request, BodyHandlers.ofInputStream());
        int status = response.statusCode();
        byte[] body;
        try (java.io.InputStream in = bounded(request, response.body())) {
            if (status < 200 || status > 299) {
                throw refused(request, status, in.readNBytes(ERROR_BODY_LIMIT * 4), response.headers());
            }
            body = in.readAllBytes();
        } catch (BoundedBody.TooLargeException e) {
            throw e.failure();
        } catch (BoundedBody.IdleException e) {
            throw e.failure();
        } catch (IOException e) {
            throw broken(request, e);
        }
        return SuccessfulHttpResponse.builder()
                .statusCode(status)
                .headers(response.headers().map())
                .body(body)
                .build();
    }

    /**
     * A streamed answer (Server-Sent Events), read on the calling thread: the listener hears every event, then the
     * close, or (instead of the close) the same failure {@link #execute(HttpRequest)} would throw.
     */
    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        java.net.http.HttpResponse<java.io.InputStream> response;
        try {
            response = send(request, BodyHandlers.ofInputStream());
        } catch (RuntimeException e) {
            listener.onError(e);
            return;
        }
        StreamListener events = new StreamListener(request, listener);
        try (java.io.InputStream body = bounded(request, response.body())) {
            int status = response.statusCode();
            if (status < 200 || status > 299) {
                listener.onError(refused(request, status, body.readNBytes(ERROR_BODY_LIMIT * 4),
                        response.headers()));
                return;
            }
            listener.onOpen(SuccessfulHttpResponse.builder().statusCode(status)
                    .headers(response.headers().map()).build());
            // the parser hands a read failure to onError and returns: then there is no close
            parser.parse(body, events);
            if (!events.failed && format != null && !events.ended) {
                events.onError(new MalformedResponseException("the stream from " + hostOf(request) + " ended after "
                        + events.frames + " frames without its end (" + format.endMarker() + "): the answer is "
                        + "incomplete", null));
            } else if (!events.failed) {
                listener.onClose();
            }
        } catch (IOException e) {
            events.onError(e);
        }
    }

    private java.io.InputStream bounded(HttpRequest request, java.io.InputStream body) {
        return new BoundedBody(body, maxResponseBytes, "the answer from " + hostOf(request) + " (" + limitName + ")",
                readTimeout);
    }

    /** A read that failed: the call was interrupted (the flag kept), or the connection broke (retriable). */
    private RuntimeException broken(HttpRequest request, IOException e) {
        if (Thread.currentThread().isInterrupted()) {
            return new ProviderCallInterruptedException(e);
        }
        return new UncheckedIOException("the answer from " + hostOf(request) + " broke: " + e, e);
    }

    /**
     * Passes the parser's events on; a read failure becomes the call's failure, told once, with no close after.
     * With a {@link StreamFormat}, a frame that is not JSON, or that the listener cannot read (langchain4j's parsers
     * would log and skip it), fails the call as a {@link MalformedResponseException} and stops the reading, and
     * the end marker is looked for.
     */
    private final class StreamListener implements ServerSentEventListener {
        private final HttpRequest request;
        private final ServerSentEventListener listener;
        private boolean failed;
        private boolean ended;
        private int frames;

        StreamListener(HttpRequest request, ServerSentEventListener listener) {
            this.request = request;
            this.listener = listener;
        }

        @Override
        public void onEvent(dev.langchain4j.http.client.sse.ServerSentEvent event) {
            onEvent(event, null);
        }

        @Override
        public void onEvent(dev.langchain4j.http.client.sse.ServerSentEvent event,
                            dev.langchain4j.http.client.sse.ServerSentEventContext context) {
            if (format == null) {
                if (context == null) {
                    listener.onEvent(event);
                } else {
                    listener.onEvent(event, context);
                }
                return;
            }
            if (failed) {
                return;
            }
            String where = "frame " + (frames + 1) + " of the stream from " + hostOf(request);
            try {
                StreamFormat.Frame frame = format.read(event, where);
                if (frame == StreamFormat.Frame.SKIP) {
                    return;
                }
                frames++;
                ended |= frame == StreamFormat.Frame.END;
                if (context == null) {
                    listener.onEvent(event);
                } else {
                    listener.onEvent(event, context);
                }
            } catch (MalformedResponseException e) {
                stop(e, context);
            } catch (RuntimeException e) {
                stop(new MalformedResponseException(where + " could not be read: " + e.getMessage(), e), context);
            }
        }

        private void stop(RuntimeException failure,
                          dev.langchain4j.http.client.sse.ServerSentEventContext context) {
            onError(failure);
            if (context != null) {
                context.parsingHandle().cancel();
            }
        }

        @Override
        public void onError(Throwable error) {
            if (failed) {
                return;
            }
            failed = true;
            if (error instanceof BoundedBody.TooLargeException tooLarge) {
                listener.onError(tooLarge.failure());
            } else if (error instanceof BoundedBody.IdleException idle) {
                listener.onError(idle.failure());
            } else if (error instanceof IOException io) {
                listener.onError(broken(request, io));
            } else {
                listener.onError(error);
            }
        }
    }

    private <T> java.net.http.HttpResponse<T> send(HttpRequest request,
                                                   java.net.http.HttpResponse.BodyHandler<T> handler) {
        java.net.http.HttpRequest.Builder jdk = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                .method(request.method().name(), request.body() == null
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        request.headers().forEach((name, values) -> values.forEach(value -> jdk.header(name, value)));
        if (readTimeout != null) {
            jdk.timeout(readTimeout);
        }
        try {
            return http.send(jdk.build(), handler);
        } catch (HttpTimeoutException e) {
            throw new TimeoutException("no answer from " + hostOf(request) + " within " + readTimeout.toMillis()
                    + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderCallInterruptedException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + hostOf(request) + ": " + e, e);
        }
    }

    /** An error status as {@link ProviderHttpException}, its body scrubbed and cut, its Retry-After kept. */
    private ProviderHttpException refused(HttpRequest request, int status, byte[] bytes,
                                          java.net.http.HttpHeaders headers) {
        // a provider may echo the key it refused (a 401 naming "sk-..."): it must not reach results
        String body = Redaction.scrub(new String(bytes, StandardCharsets.UTF_8), secrets);
        if (body.length() > ERROR_BODY_LIMIT) {
            body = body.substring(0, ERROR_BODY_LIMIT) + "…";
        }
        return new ProviderHttpException(status, "HTTP " + status + " from " + hostOf(request) + ": " + body,
                headers.firstValue("Retry-After").flatMap(value -> parseRetryAfter(value, clock)).orElse(null));
    }

    /**
     * A {@code Retry-After} value: delay-seconds ({@code "20"}) or an HTTP date; a date in the past is no wait.
     * An unreadable value is ignored (the retry policy's own backoff applies).
     */
    public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        String text = value.trim();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    /** Scheme, host and port of the request: never a base URL's user info. */
    private static String hostOf(HttpRequest request) {
        URI uri = URI.create(request.url());
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** The model call was interrupted: the branch was cancelled or ran out of time, or the worker is stopping. */
    public static final class ProviderCallInterruptedException extends RuntimeException {
        ProviderCallInterruptedException(Exception cause) {
            super("model call interrupted", cause);
        }
    }

    public static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout;
        private Duration readTimeout;
        private Clock clock = Clock.systemUTC();
        private java.util.List<String> secrets = java.util.List.of();
        private long maxResponseBytes = io.braid.worker.internal.config.ModelSpec.DEFAULT_MAX_RESPONSE_BYTES;
        private String limitName = "maxResponseBytes";
        private StreamFormat format;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        /** The clock an HTTP-date {@code Retry-After} is measured against. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The key this client sends, masked wherever an error body repeats it. */
        public Builder secret(String key) {
            this.secrets = key == null ? java.util.List.of() : java.util.List.of(key);
            return this;
        }

        /** The most bytes one answer may have; {@code setting} names the limit in the failure. */
        public Builder maxResponseBytes(long limit, String setting) {
            this.maxResponseBytes = limit;
            this.limitName = setting;
            return this;
        }

        /** How streamed answers are framed and end; null (the default): passed on unchecked. */
        Builder streamFormat(StreamFormat format) {
            this.format = format;
            return this;
        }

        @Override
        public ProviderHttpClient build() {
            return new ProviderHttpClient(this);
        }
    }
}
