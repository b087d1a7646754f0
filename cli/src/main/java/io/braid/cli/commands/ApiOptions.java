package io.braid.cli.commands;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;

/**
 * How the CLI reaches an orchestrator's job API: {@code --orchestrator-url} (any instance answers for every job), and
 * the bearer token it sends — from {@code --api-token-file} (or {@code BRAID_API_TOKEN_FILE}), else the
 * {@code BRAID_API_TOKEN} environment variable, never an option value, which would show in process listings and
 * shell history.
 */
public final class ApiOptions {

    /** The port {@code braid orchestrator} serves its job API on unless told otherwise. */
    static final int DEFAULT_PORT = 8088;

    /** The orchestrator the CLI asks unless told otherwise: one on this machine. */
    static final String DEFAULT_URL = "http://localhost:" + DEFAULT_PORT;

    // The help names the variable and the built-in default, never the resolved value: the URL may carry user info.
    @Option(names = "--orchestrator-url", paramLabel = "URL",
            defaultValue = "${env:BRAID_ORCHESTRATOR_URL:-" + DEFAULT_URL + "}",
            description = "Any orchestrator instance's job API (env BRAID_ORCHESTRATOR_URL; default: " + DEFAULT_URL
                    + ")")
    URI url;

    @Option(names = "--api-token-file", defaultValue = "${env:BRAID_API_TOKEN_FILE}",
            description = "File holding the orchestrator API's bearer token (else BRAID_API_TOKEN is sent)")
    Path tokenFile;

    /** The orchestrator's base URL. */
    URI url() {
        return url;
    }

    /** The token, or null when none is configured (an orchestrator on loopback without tokens needs none). */
    String token() {
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the API token file " + tokenFile + " (--api-token-file): "
                        + e.getMessage(), e);
            }
        }
        String token = System.getenv("BRAID_API_TOKEN");
        return token == null || token.isBlank() ? null : token.strip();
    }

    /** What to set after the orchestrator answered 401 or 403. */
    static String advice(int status) {
        return status == 401
                ? "; the orchestrator wants a token: set BRAID_API_TOKEN or pass --api-token-file"
                : "; this token's scope does not allow it: use a token with scope operate";
    }
}
