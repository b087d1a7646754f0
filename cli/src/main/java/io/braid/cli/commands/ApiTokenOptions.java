package io.braid.cli.commands;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bearer token the CLI sends to an orchestrator's job API: from {@code --api-token-file} (or
 * {@code BRAID_API_TOKEN_FILE}), else the {@code BRAID_API_TOKEN} environment variable — never an option value,
 * which would show in process listings and shell history.
 */
public final class ApiTokenOptions {

    @Option(names = "--api-token-file", defaultValue = "${env:BRAID_API_TOKEN_FILE}",
            description = "File holding the orchestrator API's bearer token (else BRAID_API_TOKEN is sent)")
    Path tokenFile;

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
