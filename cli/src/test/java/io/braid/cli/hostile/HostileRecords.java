package io.braid.cli.hostile;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Job records as an attacker writes them: JSON text, built by hand so that any field can be wrong. */
final class HostileRecords {

    private HostileRecords() {
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String toolBranch(String id) {
        return "{\"branchId\": " + quoted(id) + ", \"kind\": \"TOOL\", \"tool\": {\"name\": \"calculator\", "
                + "\"argumentsJson\": {\"expression\": \"6*7\"}}}";
    }

    static String llmBranch(String id) {
        return "{\"branchId\": " + quoted(id) + ", \"kind\": \"LLM\", \"llm\": {\"userPrompt\": \"say " + id + "\"}}";
    }

    static String branches(int count) {
        return IntStream.range(0, count).mapToObj(i -> toolBranch("b" + i))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** A job whose other fields ({@code rest}, starting with a comma) follow its id. */
    static byte[] job(String jobId, String rest) {
        return utf8("{\"jobId\": " + quoted(jobId) + rest + "}");
    }

    static byte[] toolJob(String jobId) {
        return job(jobId, ", \"branches\": [" + toolBranch("b1") + "]");
    }

    /** A JOB branch whose child job has {@code childRest} (starting with a comma, or empty) and one tool branch. */
    static String childBranch(String id, String childRest) {
        return "{\"branchId\": " + quoted(id) + ", \"kind\": \"JOB\", \"job\": {\"branches\": [" + toolBranch("c1")
                + "]" + childRest + "}}";
    }

    /** A job nested {@code depth} levels deep, one JOB branch per level. */
    static String nested(int depth) {
        String inner = "{\"branches\": [" + toolBranch("leaf") + "]}";
        for (int i = 0; i < depth; i++) {
            inner = "{\"branches\": [{\"branchId\": \"n" + i + "\", \"kind\": \"JOB\", \"job\": " + inner + "}]}";
        }
        return inner.substring(1, inner.length() - 1);
    }
}
