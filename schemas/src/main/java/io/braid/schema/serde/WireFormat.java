package io.braid.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

import java.nio.ByteBuffer;

/**
 * The Confluent Schema Registry wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the value. Registries number schemas from 1, so an id of 0 or below is refused here
 * without asking the registry.
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

    /**
     * The schema id in the header of {@code data}.
     *
     * @throws SerializationException when {@code data} is shorter than the header, starts with another byte than
     *                                the magic byte, or names an id below 1
     */
    public static int schemaId(byte[] data) {
        if (data == null || data.length == 0) {
            throw new SerializationException("empty record: expected the schema registry wire format (magic byte 0x00,"
                    + " 4-byte schema id, Avro binary)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "unknown magic byte 0x%02x: expected 0x00, the schema registry wire format (Avro)", data[0]));
        }
        if (data.length < HEADER_LENGTH) {
            throw new SerializationException("truncated wire-format record: " + data.length + " byte"
                    + (data.length == 1 ? "" : "s") + " starting with the magic byte 0x00, shorter than the "
                    + HEADER_LENGTH + "-byte header (magic byte + 4-byte schema id)");
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        if (id < 1) {
            throw new SerializationException("schema id " + id + " in the wire-format header is not a registry id "
                    + "(registries number schemas from 1): the record is corrupt or not written by a registry serializer");
        }
        return id;
    }

    static void writeHeader(ByteBuffer target, int schemaId) {
        target.put(MAGIC_BYTE).putInt(schemaId);
    }
}
