package io.braid.orchestrator.dispatch;

import io.braid.schema.JobRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.orchestrator.dispatch.InvalidJobException.Kind;
import io.braid.schema.json.AvroJson;
import io.braid.schema.json.JsonRecordException;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.WireFormat;
import org.apache.kafka.common.errors.SerializationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a job record's value: the schema registry wire format (Avro, written by any client), or a JSON object
 * (first byte {@code '{'}, e.g. from kcat) validated against the same schema with defaults filled.
 */
public final class JobDecoder {

    private static final Pattern FIELD = Pattern.compile("([A-Za-z_][A-Za-z0-9_.\\[\\]]*): ");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AvroDeserializer<JobRequest> avro;

    public JobDecoder(AvroDeserializer<JobRequest> avro) {
        this.avro = avro;
    }

    public JobRequest decode(String topic, byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidJobException(Kind.UnreadableRecord, null, null, "empty record value: expected an Avro "
                    + "JobRequest in the schema registry wire format or a JSON object", null);
        }
        if (value[0] == '{') {
            String text = new String(value, StandardCharsets.UTF_8);
            try {
                return AvroJson.fromJson(text, JobRequest.class);
            } catch (JsonRecordException e) {
                Matcher path = FIELD.matcher(e.getMessage());
                throw new InvalidJobException(Kind.SchemaMismatch, path.lookingAt() ? path.group(1) : null,
                        jobIdIn(text), "JSON job does not match the JobRequest schema: " + e.getMessage(), e);
            }
        }
        if (!WireFormat.looksLikeWireFormat(value)) {
            throw new InvalidJobException(Kind.UnreadableRecord, null, null, String.format("unreadable record: first "
                    + "byte 0x%02x is neither the wire format's magic byte 0x00 nor '{' of a JSON object", value[0]),
                    null);
        }
        try {
            return avro.deserialize(topic, value);
        } catch (SerializationException e) {
            boolean schema = e.getMessage() != null && (e.getMessage().startsWith("cannot fetch writer schema")
                    || e.getMessage().contains("cannot be read as"));
            throw new InvalidJobException(schema ? Kind.UnknownSchema : Kind.SchemaMismatch, null, null,
                    e.getMessage(), e);
        }
    }

    /** The jobId of a JSON job that does not fit the schema, if it has a readable one. */
    private static String jobIdIn(String json) {
        try {
            JsonNode id = JSON.readTree(json).get("jobId");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
