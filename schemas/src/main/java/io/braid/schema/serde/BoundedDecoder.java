package io.braid.schema.serde;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Avro's binary decoder, refusing any length or item count larger than the record before allocating for it.
 *
 * <p>Avro allocates what a length prefix says: a 5-byte body claiming a string of 2^30 bytes, or an array of
 * 2^30 items, makes it allocate gigabytes and fail with an {@link OutOfMemoryError} that would stop a stream
 * thread. Here a string or bytes value longer than the record, or more collection items in all than the record
 * has bytes (every item of Braid's schemas takes at least one byte), is an {@link IOException} naming the value.
 */
final class BoundedDecoder extends Decoder {

    private final BinaryDecoder in;
    private final int recordBytes;
    private long items;

    private BoundedDecoder(BinaryDecoder in, int recordBytes) {
        this.in = in;
        this.recordBytes = recordBytes;
    }

    /** A decoder of the {@code length} bytes of {@code data} from {@code offset}. */
    static Decoder over(byte[] data, int offset, int length) {
        return new BoundedDecoder(DecoderFactory.get().binaryDecoder(data, offset, length, null), length);
    }

    private int length(long length, String what) throws IOException {
        if (length < 0 || length > recordBytes) {
            throw new IOException("a " + what + " of " + length + " bytes in a record of " + recordBytes
                    + " bytes: the record is corrupt");
        }
        return (int) length;
    }

    private long items(long count) throws IOException {
        items += count;
        if (count < 0 || items > recordBytes) {
            throw new IOException("collections of " + items + " items in a record of " + recordBytes
                    + " bytes: the record is corrupt");
        }
        return count;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length(in.readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length > 0) {
            in.readFixed(result.getBytes(), 0, length);
        }
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = length(in.readLong(), "string");
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length(in.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length(in.readLong(), "bytes value");
        ByteBuffer result = ByteBuffer.allocate(length);
        in.readFixed(result.array(), 0, length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length(in.readLong(), "bytes value"));
    }

    @Override
    public long readArrayStart() throws IOException {
        return items(in.readArrayStart());
    }

    @Override
    public long arrayNext() throws IOException {
        return items(in.arrayNext());
    }

    @Override
    public long skipArray() throws IOException {
        return items(in.skipArray());
    }

    @Override
    public long readMapStart() throws IOException {
        return items(in.readMapStart());
    }

    @Override
    public long mapNext() throws IOException {
        return items(in.mapNext());
    }

    @Override
    public long skipMap() throws IOException {
        return items(in.skipMap());
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
