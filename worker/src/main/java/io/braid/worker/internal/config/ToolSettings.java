package io.braid.worker.internal.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the built-in tools and of agents' use of tools ({@code tools} in the config file), with the limits
 * that bound what one branch may cost. Every limit has a default here; a branch that passes one fails, not
 * retried, with an error naming the setting and its value.
 *
 * @param httpGet         {@code http_get}
 * @param searchDocuments {@code search_documents}
 * @param calculator      {@code calculator}
 * @param agent           AGENT branches' tool loop
 */
public record ToolSettings(
        @JsonProperty("http_get") HttpGet httpGet,
        @JsonProperty("search_documents") SearchDocuments searchDocuments,
        @JsonProperty("calculator") Calculator calculator,
        @JsonProperty("agent") Agent agent) {

    public static ToolSettings defaults() {
        return new ToolSettings(null, null, null, null);
    }

    public ToolSettings {
        httpGet = httpGet == null ? HttpGet.defaults() : httpGet.withDefaults();
        searchDocuments = searchDocuments == null ? SearchDocuments.none() : searchDocuments.withDefaults();
        calculator = calculator == null ? Calculator.defaults() : calculator.withDefaults();
        agent = agent == null ? Agent.defaults() : agent.withDefaults();
    }

    public ToolSettings resolvedAgainst(Path base) {
        return new ToolSettings(httpGet, searchDocuments.resolvedAgainst(base), calculator, agent);
    }

    /** What is wrong with these settings, naming the setting, or null. */
    public String problem() {
        if (httpGet.maxBytes() < 1 || httpGet.maxBytes() > HttpGet.MAX_BYTES_CEILING) {
            return "tools.http_get.maxBytes " + httpGet.maxBytes() + " must be 1 to " + HttpGet.MAX_BYTES_CEILING;
        }
        if (httpGet.maxRedirects() < 0 || httpGet.timeout().isNegative() || httpGet.timeout().isZero()) {
            return "tools.http_get needs maxRedirects of 0 or more and a positive timeout";
        }
        if (calculator.maxDigits() < 1 || calculator.maxDigits() > Calculator.MAX_DIGITS_CEILING) {
            return "tools.calculator.maxDigits " + calculator.maxDigits() + " must be 1 to "
                    + Calculator.MAX_DIGITS_CEILING;
        }
        if (calculator.maxExponent() < 0 || calculator.maxExponent() > Calculator.MAX_EXPONENT_CEILING) {
            return "tools.calculator.maxExponent " + calculator.maxExponent() + " must be 0 to "
                    + Calculator.MAX_EXPONENT_CEILING;
        }
        if (agent.maxSteps() < 0 || agent.maxToolCalls() < 0) {
            return "tools.agent.maxSteps and tools.agent.maxToolCalls must not be negative";
        }
        return null;
    }

    /**
     * {@code http_get}: fetches a URL. Loopback, link-local, private and other non-public addresses are refused
     * unless {@code allow} lists the host name or a CIDR range holding the address.
     *
     * @param allow        host names ({@code wiki.internal}) and CIDR ranges ({@code 10.1.0.0/16}) to allow
     * @param timeout      time limit of one fetch (default 10 s)
     * @param maxBytes     the most body bytes read (default 1 MiB, at most 64 MiB); a longer body is cut there and
     *                     the answer says so, naming this limit
     * @param maxRedirects redirects followed, each checked like the first URL (default 3)
     */
    public record HttpGet(List<String> allow, Duration timeout, Long maxBytes, Integer maxRedirects) {

        public static final long DEFAULT_MAX_BYTES = 1L << 20;
        static final long MAX_BYTES_CEILING = 64L << 20;

        public static HttpGet defaults() {
            return new HttpGet(List.of(), null, null, null).withDefaults();
        }

        HttpGet withDefaults() {
            return new HttpGet(allow == null ? List.of() : List.copyOf(allow),
                    timeout == null ? Duration.ofSeconds(10) : timeout,
                    maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes,
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

    /**
     * {@code calculator}: exact decimal arithmetic, bounded so that no expression costs more than a moment. Both
     * limits are checked before a value is computed.
     *
     * @param maxDigits   the most digits any number in a calculation may have, the result included, counting both
     *                    sides of the point (default 1000, at most 10000): {@code 10^999} has 1000
     * @param maxExponent the largest exponent of {@code ^}, either sign (default 999, at most 10000)
     */
    public record Calculator(Integer maxDigits, Integer maxExponent) {

        public static final int DEFAULT_MAX_DIGITS = 1000;
        public static final int DEFAULT_MAX_EXPONENT = 999;
        static final int MAX_DIGITS_CEILING = 10_000;
        static final int MAX_EXPONENT_CEILING = 10_000;

        public static Calculator defaults() {
            return new Calculator(null, null).withDefaults();
        }

        Calculator withDefaults() {
            return new Calculator(maxDigits == null ? DEFAULT_MAX_DIGITS : maxDigits,
                    maxExponent == null ? DEFAULT_MAX_EXPONENT : maxExponent);
        }
    }

    /**
     * How far one AGENT branch may go: a job's {@code maxSteps} above this worker's is lowered to it.
     *
     * @param maxSteps     the most tool-calling turns of one agent branch (default 20)
     * @param maxToolCalls the most tool calls of one agent branch, over all its turns (default 50)
     */
    public record Agent(Integer maxSteps, Integer maxToolCalls) {

        public static final int DEFAULT_MAX_STEPS = 20;
        public static final int DEFAULT_MAX_TOOL_CALLS = 50;

        public static Agent defaults() {
            return new Agent(null, null).withDefaults();
        }

        Agent withDefaults() {
            return new Agent(maxSteps == null ? DEFAULT_MAX_STEPS : maxSteps,
                    maxToolCalls == null ? DEFAULT_MAX_TOOL_CALLS : maxToolCalls);
        }
    }
}
