package io.braid.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

import java.nio.ByteBuffer;

/**
 * The Confluent Schema Registry wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the value.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** Whether {@code data} starts like a wire-format record (it may still be corrupt). */
    public static boolean looksLikeWireFormat(byte[] data) {
        return data != null && data.length >= HEADER_LENGTH && data[0] == MAGIC_BYTE;
    }

    /** The schema id in the header of {@code data}. */
    public static int schemaId(byte[] data) {
        if (data == null || data.length < HEADER_LENGTH) {
            throw new SerializationException("record of " + (data == null ? 0 : data.length)
                    + " bytes is too short for the schema registry wire format (5-byte header: magic byte 0 + schema id)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "unknown magic byte 0x%02x: expected 0x00, the schema registry wire format (Avro)", data[0]));
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    static void writeHeader(ByteBuffer target, int schemaId) {
        target.put(MAGIC_BYTE).putInt(schemaId);
    }
}
