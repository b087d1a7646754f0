package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.execute.RetryAfterException;
import io.braid.worker.internal.models.ProviderHttpClient;
import io.braid.tool.BraidTool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@code http_get}: fetches a URL and returns its status, content type and text body, cut at {@code maxBytes}
 * ({@code tools.http_get.maxBytes}, default 1 MiB): no more than that is read, however long the body, and the
 * answer's {@code note} names the limit. Only public addresses unless allowed ({@link AddressPolicy}); each host
 * is resolved once and the connection made to the address that was checked ({@link PinnedHttp}: the host name
 * kept in {@code Host} and as the TLS server name), so DNS rebinding cannot redirect it. Redirects are followed by
 * hand, up to {@code maxRedirects}, each target checked again. The whole fetch — redirects, connecting, headers
 * and body — must be over within {@code tools.http_get.timeout}. 429 and 5xx are retriable failures (honouring
 * {@code Retry-After}), other 4xx fail the call; a refused address or a bad URL is never retried.
 */
final class HttpGetTool implements BraidTool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolSettings.HttpGet settings;
    private final AddressPolicy policy;
    private final AddressPolicy.Resolver resolver;
    private final PinnedHttp http;
    private final Clock clock;

    public HttpGetTool(ToolSettings.HttpGet settings, Clock clock) {
        this(settings, InetAddress::getAllByName, clock);
    }

    HttpGetTool(ToolSettings.HttpGet settings, AddressPolicy.Resolver resolver, Clock clock) {
        this(settings, resolver, clock, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** With the name lookup and the TLS trust a test chooses. */
    HttpGetTool(ToolSettings.HttpGet settings, AddressPolicy.Resolver resolver, Clock clock, SSLSocketFactory tls) {
        this.settings = settings;
        this.clock = clock;
        this.policy = new AddressPolicy(settings.allow());
        this.resolver = resolver;
        this.http = new PinnedHttp(tls);
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
    public String execute(JsonNode arguments) {
        URI uri = parse(arguments.get("url").textValue());
        PinnedHttp.Deadline deadline = PinnedHttp.Deadline.after(clock, settings.timeout());
        for (int redirects = 0; ; redirects++) {
            List<InetAddress> addresses = check(uri);
            try (PinnedHttp.Response response = send(uri, addresses, deadline)) {
                int status = response.status();
                if (status >= 300 && status < 400 && response.header("Location").isPresent()) {
                    if (redirects >= settings.maxRedirects()) {
                        throw new NonRetriableException("http_get: more than " + settings.maxRedirects()
                                + " redirects from " + arguments.get("url").textValue());
                    }
                    uri = redirect(uri, response.header("Location").get());
                    continue;
                }
                if (status == 429 || status >= 500) {
                    String message = "http_get: HTTP " + status + " from " + uri;
                    var retryAfter = response.header("Retry-After")
                            .flatMap(value -> ProviderHttpClient.parseRetryAfter(value, clock));
                    throw retryAfter.isPresent() ? new RetryAfterException(message, retryAfter.get())
                            : new InternalServerException(message);
                }
                if (status >= 400) {
                    throw new NonRetriableException("http_get: HTTP " + status + " from " + uri);
                }
                return render(uri, response);
            }
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

    private static URI redirect(URI from, String location) {
        try {
            return from.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new NonRetriableException("http_get: " + from + " redirected to '" + location
                    + "', which is not a URL");
        }
    }

    /** Resolves the URL's host once and checks every address: those the fetch may connect to. */
    private List<InetAddress> check(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new NonRetriableException("http_get: refused to follow a redirect to " + uri);
        }
        AddressPolicy.Checked checked;
        try {
            checked = policy.check(uri.getHost(), resolver);
        } catch (UnknownHostException e) {
            throw new NonRetriableException("http_get: unknown host " + uri.getHost());
        }
        if (checked.refusal() != null) {
            throw new NonRetriableException("http_get: refused " + uri + ": " + checked.refusal());
        }
        return checked.addresses();
    }

    private PinnedHttp.Response send(URI uri, List<InetAddress> addresses, PinnedHttp.Deadline deadline) {
        try {
            return http.get(uri, addresses, deadline);
        } catch (SocketTimeoutException e) {
            throw timeout(uri);
        } catch (IOException e) {
            throw new UncheckedIOException("http_get: cannot fetch " + uri + ": " + e.getMessage(), e);
        }
    }

    private dev.langchain4j.exception.TimeoutException timeout(URI uri) {
        return new dev.langchain4j.exception.TimeoutException("http_get: no complete answer from " + uri
                + " within " + settings.timeout().toMillis() + " ms (tools.http_get.timeout, for the whole fetch)");
    }

    private String render(URI uri, PinnedHttp.Response response) {
        String contentType = response.header("Content-Type").orElse("");
        ObjectNode result = JSON.createObjectNode()
                .put("url", uri.toString())
                .put("status", response.status())
                .put("contentType", contentType);
        try {
            byte[] bytes = response.body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBytes() + 1));
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
        } catch (SocketTimeoutException e) {
            throw timeout(uri);
        } catch (IOException e) {
            throw new UncheckedIOException("http_get: reading the body of " + uri + " failed: " + e.getMessage(), e);
        }
        return result.toString();
    }

    private static boolean isText(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("yaml") || type.contains("csv");
    }
}
