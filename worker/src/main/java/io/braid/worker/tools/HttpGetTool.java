package io.braid.worker.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.worker.config.ToolSettings;
import io.braid.worker.execute.RetryAfterException;
import io.braid.worker.models.ProviderHttpClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;

/**
 * {@code http_get}: fetches a URL and returns its status, content type and text body, cut at {@code maxBytes}
 * ({@code tools.http_get.maxBytes}, default 1 MiB): no more than that is read, however long the body, and the
 * answer's {@code note} names the limit. Only public addresses unless allowed ({@link AddressPolicy}); redirects are followed by hand,
 * up to {@code maxRedirects}, each target checked again. 429 and 5xx are retriable failures (honouring
 * {@code Retry-After}), other 4xx fail the call; a refused address or a bad URL is never retried.
 */
public final class HttpGetTool implements BraidTool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolSettings.HttpGet settings;
    private final AddressPolicy policy;
    private final AddressPolicy.Resolver resolver;
    private final HttpClient http;
    private final Clock clock;

    public HttpGetTool(ToolSettings.HttpGet settings, Clock clock) {
        this(settings, InetAddress::getAllByName, clock);
    }

    HttpGetTool(ToolSettings.HttpGet settings, AddressPolicy.Resolver resolver, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.policy = new AddressPolicy(settings.allow());
        this.resolver = resolver;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
    }

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("http_get")
                .description("Fetches a public http(s) URL and returns its status, content type and text body")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("url", "the http:// or https:// URL to fetch")
                        .required("url")
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) throws InterruptedException {
        URI uri = parse(arguments.get("url").textValue());
        for (int redirects = 0; ; redirects++) {
            check(uri);
            HttpResponse<InputStream> response = send(uri);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                close(response);
                if (redirects >= settings.maxRedirects()) {
                    throw new NonRetriableException("http_get: more than " + settings.maxRedirects()
                            + " redirects from " + arguments.get("url").textValue());
                }
                uri = uri.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            if (status == 429 || status >= 500) {
                close(response);
                String message = "http_get: HTTP " + status + " from " + uri;
                var retryAfter = response.headers().firstValue("Retry-After").flatMap(value -> ProviderHttpClient.parseRetryAfter(value, clock));
                throw retryAfter.isPresent() ? new RetryAfterException(message, retryAfter.get())
                        : new InternalServerException(message);
            }
            if (status >= 400) {
                close(response);
                throw new NonRetriableException("http_get: HTTP " + status + " from " + uri);
            }
            return render(uri, response);
        }
    }

    private URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ToolArgumentsException("http_get: '" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ToolArgumentsException("http_get: '" + url + "' is not an http:// or https:// URL with a host");
        }
        return uri;
    }

    private void check(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new NonRetriableException("http_get: refused to follow a redirect to " + uri);
        }
        String refusal;
        try {
            refusal = policy.refusal(uri.getHost(), resolver);
        } catch (UnknownHostException e) {
            throw new NonRetriableException("http_get: unknown host " + uri.getHost());
        }
        if (refusal != null) {
            throw new NonRetriableException("http_get: refused " + uri + ": " + refusal);
        }
    }

    private HttpResponse<InputStream> send(URI uri) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(settings.timeout())
                .header("User-Agent", "braid-worker http_get").build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new dev.langchain4j.exception.TimeoutException("http_get: no answer from " + uri + " within "
                    + settings.timeout().toMillis() + " ms");
        } catch (IOException e) {
            throw new UncheckedIOException("http_get: cannot fetch " + uri + ": " + e, e);
        }
    }

    private String render(URI uri, HttpResponse<InputStream> response) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        ObjectNode result = JSON.createObjectNode()
                .put("url", uri.toString())
                .put("status", response.statusCode())
                .put("contentType", contentType);
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBytes() + 1));
            boolean truncated = bytes.length > settings.maxBytes();
            if (!isText(contentType)) {
                result.putNull("body").put("note", "not a text response; body left out");
            } else {
                int length = truncated ? (int) (long) settings.maxBytes() : bytes.length;
                result.put("body", new String(bytes, 0, length, StandardCharsets.UTF_8));
                if (truncated) {
                    result.put("note", "body cut at " + settings.maxBytes() + " bytes, the limit of "
                            + "tools.http_get.maxBytes; the rest was not read");
                }
            }
            result.put("truncated", truncated);
        } catch (IOException e) {
            throw new UncheckedIOException("http_get: reading the body of " + uri + " failed: " + e, e);
        }
        return result.toString();
    }

    private static boolean isText(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("yaml") || type.contains("csv");
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the body is not needed
        }
    }
}
