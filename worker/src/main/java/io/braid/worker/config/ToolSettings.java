package io.braid.worker.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the built-in tools ({@code tools} in the config file).
 *
 * @param httpGet         {@code http_get}
 * @param searchDocuments {@code search_documents}
 */
public record ToolSettings(
        @JsonProperty("http_get") HttpGet httpGet,
        @JsonProperty("search_documents") SearchDocuments searchDocuments) {

    public static ToolSettings defaults() {
        return new ToolSettings(HttpGet.defaults(), SearchDocuments.none());
    }

    public ToolSettings {
        httpGet = httpGet == null ? HttpGet.defaults() : httpGet.withDefaults();
        searchDocuments = searchDocuments == null ? SearchDocuments.none() : searchDocuments.withDefaults();
    }

    ToolSettings resolvedAgainst(Path base) {
        return new ToolSettings(httpGet, searchDocuments.resolvedAgainst(base));
    }

    /**
     * {@code http_get}: fetches a URL. Loopback, link-local, private and other non-public addresses are refused
     * unless {@code allow} lists the host name or a CIDR range holding the address.
     *
     * @param allow        host names ({@code wiki.internal}) and CIDR ranges ({@code 10.1.0.0/16}) to allow
     * @param timeout      time limit of one fetch (default 10 s)
     * @param maxBytes     the most body bytes read (default 1 MiB); a longer body is cut and says so
     * @param maxRedirects redirects followed, each checked like the first URL (default 3)
     */
    public record HttpGet(List<String> allow, Duration timeout, Long maxBytes, Integer maxRedirects) {

        public static HttpGet defaults() {
            return new HttpGet(List.of(), null, null, null).withDefaults();
        }

        HttpGet withDefaults() {
            return new HttpGet(allow == null ? List.of() : List.copyOf(allow),
                    timeout == null ? Duration.ofSeconds(10) : timeout,
                    maxBytes == null ? 1L << 20 : maxBytes,
                    maxRedirects == null ? 3 : maxRedirects);
        }
    }

    /**
     * {@code search_documents}: full-text search (Lucene) over the text files of a local folder, indexed when the
     * worker starts. Without a folder the tool is not offered.
     *
     * @param folder     the folder (relative paths are relative to the config file)
     * @param maxResults the most hits returned (default 5)
     */
    public record SearchDocuments(Path folder, Integer maxResults) {

        public static SearchDocuments none() {
            return new SearchDocuments(null, 5);
        }

        SearchDocuments withDefaults() {
            return new SearchDocuments(folder, maxResults == null ? 5 : maxResults);
        }

        SearchDocuments resolvedAgainst(Path base) {
            return folder == null || folder.isAbsolute() || base == null ? this
                    : new SearchDocuments(base.resolve(folder).normalize(), maxResults);
        }
    }
}
