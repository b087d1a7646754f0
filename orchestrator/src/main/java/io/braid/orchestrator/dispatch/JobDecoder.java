package io.braid.orchestrator.dispatch;

import io.braid.schema.JobRequest;
import io.braid.schema.json.AvroJson;
import io.braid.schema.json.JsonRecordException;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.WireFormat;
import org.apache.kafka.common.errors.SerializationException;

import java.nio.charset.StandardCharsets;

/**
 * Reads a job record's value: the schema registry wire format (Avro, written by any client), or a JSON object
 * (first byte {@code '{'}, e.g. from kcat) validated against the same schema with defaults filled.
 */
public final class JobDecoder {

    private final AvroDeserializer<JobRequest> avro;

    public JobDecoder(AvroDeserializer<JobRequest> avro) {
        this.avro = avro;
    }

    public JobRequest decode(String topic, byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidJobException("empty record value: expected an Avro JobRequest in the schema registry "
                    + "wire format or a JSON object");
        }
        if (value[0] == '{') {
            try {
                return AvroJson.fromJson(new String(value, StandardCharsets.UTF_8), JobRequest.class);
            } catch (JsonRecordException e) {
                throw new InvalidJobException("JSON job does not match the JobRequest schema: " + e.getMessage(), e);
            }
        }
        if (!WireFormat.looksLikeWireFormat(value)) {
            throw new InvalidJobException(String.format("unreadable record: first byte 0x%02x is neither the wire "
                    + "format's magic byte 0x00 nor '{' of a JSON object", value[0]));
        }
        try {
            return avro.deserialize(topic, value);
        } catch (SerializationException e) {
            throw new InvalidJobException(e.getMessage(), e);
        }
    }
}
