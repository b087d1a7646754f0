package io.braid.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.JobRequest;
import io.braid.schema.json.AvroJson;
import io.braid.schema.json.JsonRecordException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Job files: a JobRequest as plain JSON (see {@link AvroJson} for the mapping). A file without a {@code jobId}
 * gets a fresh one, named after the file, so the same file can be submitted many times.
 *
 * <p>These methods check only that the JSON is a well-formed JobRequest. The orchestrator checks the job itself
 * (branch ids, kinds, limits) when it arrives and answers a job it refuses with a FAILED result (completedBy
 * {@code REJECTED}) that lists the problems; the {@code braid} command checks the same rules before it sends.
 */
public final class JobFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobFiles() {
    }

    /**
     * Reads a job file.
     *
     * @throws IllegalArgumentException when the file is missing or unreadable, or not a JobRequest in JSON; the
     *                                  message names the file and the field
     */
    public static JobRequest read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("job file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read job file " + file + ": " + e.getMessage());
        }
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        try {
            return parse(text, stem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a job from JSON text; {@code name} prefixes the generated jobId when the JSON has none.
     *
     * @throws IllegalArgumentException when the text is not a JobRequest in JSON, saying which field is wrong
     */
    public static JobRequest parse(String json, String name) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a job must be a JSON object with \"branches\"");
        }
        ObjectNode job = (ObjectNode) node;
        if (!job.hasNonNull("jobId")) {
            job.put("jobId", name.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + UUID.randomUUID().toString().substring(0, 8));
        }
        try {
            return AvroJson.fromJson(job, JobRequest.class);
        } catch (JsonRecordException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
