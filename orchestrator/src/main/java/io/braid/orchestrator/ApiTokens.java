package io.braid.orchestrator;

import io.braid.schema.http.BearerTokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bearer tokens the operations API accepts, each with a name (who, in audit lines) and a scope. Only SHA-256
 * digests are kept, and a presented token is compared with every one in constant time, so neither the answer's
 * timing nor a heap dump gives a token away. {@code toString} names the tokens, never their values.
 */
public final class ApiTokens {

    /** What a token may do: {@code READ} asks (status, replay dry runs); {@code OPERATE} also cancels and replays. */
    public enum Scope {
        READ, OPERATE;

        /** Whether a token of this scope may do what needs {@code needed}: operate implies read. */
        public boolean allows(Scope needed) {
            return this == OPERATE || needed == READ;
        }
    }

    /** Who called: the token's name and scope. */
    public record Caller(String name, Scope scope) {
    }

    private record Entry(String name, Scope scope, byte[] digest) {
    }

    private static final ApiTokens NONE = new ApiTokens(List.of());

    private final List<Entry> entries;

    private ApiTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No tokens: the API is open, which the orchestrator allows only on a loopback address. */
    public static ApiTokens none() {
        return NONE;
    }

    /** These tokens plus {@code token} as {@code name} with {@code scope}; a null or blank token adds nothing. */
    public ApiTokens with(String name, Scope scope, String token) {
        if (token == null || token.isBlank()) {
            return this;
        }
        List<Entry> more = new ArrayList<>(entries);
        more.add(new Entry(name, scope, BearerTokens.digest(token)));
        return new ApiTokens(more);
    }

    /**
     * Reads a tokens file: one {@code scope name token} a line ({@code read} or {@code operate}), blank lines and
     * {@code #} comments skipped. A malformed line is an error naming the file and line, never echoing the token.
     */
    public static ApiTokens load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API tokens file " + file + ": " + e.getMessage(), e);
        }
        ApiTokens tokens = NONE;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            Scope scope = fields.length == 3 ? scope(fields[0]) : null;
            if (scope == null) {
                throw new IllegalArgumentException("API tokens file " + file + " line " + (i + 1)
                        + " is not 'scope name token' with scope read or operate");
            }
            tokens = tokens.with(fields[1], scope, fields[2]);
        }
        return tokens;
    }

    private static Scope scope(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "read" -> Scope.READ;
            case "operate" -> Scope.OPERATE;
            default -> null;
        };
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * The caller an {@code Authorization: Bearer ...} header names, or empty for a missing, malformed or unknown
     * token. Every token is compared (no early exit), each with {@link MessageDigest#isEqual}.
     */
    public Optional<Caller> authenticate(String authorization) {
        byte[] presented = BearerTokens.presented(authorization);
        if (presented == null) {
            return Optional.empty();
        }
        Entry found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), presented) && found == null) {
                found = entry;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Caller(found.name(), found.scope()));
    }

    @Override
    public String toString() {
        return "ApiTokens" + entries.stream().map(e -> e.name() + ":" + e.scope()).toList();
    }
}
