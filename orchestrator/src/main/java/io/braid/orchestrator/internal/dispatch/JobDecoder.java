package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.ErrorClass;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.schema.JobRequest;
import io.braid.schema.json.AvroJson;
import io.braid.schema.json.JsonRecordException;
import io.braid.schema.registry.SchemaRegistryException;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.RegistryUnavailableException;
import io.braid.schema.serde.WireFormat;
import org.apache.kafka.common.errors.SerializationException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a job record's value: the schema registry wire format (Avro, written by any client), or a JSON object
 * (first byte {@code '{'}, e.g. from kcat) in valid UTF-8, validated strictly against the same schema with
 * defaults filled (see {@link AvroJson}).
 *
 * <p>A bad record is an {@link InvalidJobException} of a {@link Kind}. A {@link RegistryUnavailableException} (the
 * writer schema could not be had: registry unreachable, timed out, 5xx) is not the record's fault and propagates
 * as it is, for the caller to try the record again later.
 */
public final class JobDecoder {

    private static final Pattern FIELD = Pattern.compile("([A-Za-z_][A-Za-z0-9_.\\[\\]]*): ");

    private final AvroDeserializer<JobRequest> avro;

    public JobDecoder(AvroDeserializer<JobRequest> avro) {
        this.avro = avro;
    }

    /**
     * @throws InvalidJobException          the record is not a readable job
     * @throws RegistryUnavailableException the registry could not be asked for the record's schema; retry later
     */
    public JobRequest decode(String topic, byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidJobException(ErrorClass.UnreadableRecord, null, null, "empty record value: expected an Avro "
                    + "JobRequest in the schema registry wire format or a JSON object", null);
        }
        if (value[0] == '{') {
            return decodeJson(value);
        }
        if (value[0] != WireFormat.MAGIC_BYTE) {
            throw new InvalidJobException(ErrorClass.UnreadableRecord, null, null, String.format("unreadable record: first "
                    + "byte 0x%02x is neither the wire format's magic byte 0x00 nor '{' of a JSON object", value[0]),
                    null);
        }
        try {
            WireFormat.schemaId(value);
        } catch (SerializationException e) {
            throw new InvalidJobException(ErrorClass.UnreadableRecord, null, null, e.getMessage(), e);
        }
        try {
            return avro.deserialize(topic, value);
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (SerializationException e) {
            boolean schema = e.getCause() instanceof SchemaRegistryException
                    || (e.getMessage() != null && e.getMessage().contains("cannot be read as"));
            throw new InvalidJobException(schema ? ErrorClass.UnknownSchema : ErrorClass.SchemaMismatch, null, null,
                    e.getMessage(), e);
        }
    }

    private static JobRequest decodeJson(byte[] value) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            String where = e instanceof MalformedInputException malformed
                    ? " (" + malformed.getInputLength() + " malformed byte(s))" : "";
            throw new InvalidJobException(ErrorClass.UnreadableRecord, null, null, "JSON job is not valid UTF-8" + where
                    + ": write JSON records in UTF-8", e);
        }
        JsonNode node = null;
        try {
            node = AvroJson.readTree(text);
            return AvroJson.fromJson(node, JobRequest.class);
        } catch (JsonRecordException e) {
            Matcher path = FIELD.matcher(e.getMessage());
            throw new InvalidJobException(ErrorClass.SchemaMismatch, path.lookingAt() ? path.group(1) : null,
                    jobIdIn(node), "JSON job does not match the JobRequest schema: " + e.getMessage(), e);
        }
    }

    /**
     * The jobId of a JSON job that does not fit the schema, if it has a readable one: a string that is valid
     * Unicode (an unpaired surrogate would be written as '?', naming another job).
     */
    private static String jobIdIn(JsonNode node) {
        JsonNode id = node == null ? null : node.get("jobId");
        return id != null && id.isTextual() && StandardCharsets.UTF_8.newEncoder().canEncode(id.textValue())
                ? id.textValue() : null;
    }
}
