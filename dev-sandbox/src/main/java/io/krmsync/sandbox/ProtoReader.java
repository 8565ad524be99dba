package io.krmsync.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal reader of the protobuf wire format: enough to walk the few Kubernetes objects
 * {@link ProtobufBodyDecoder} understands, without a protobuf dependency.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] bytes;
    private final int limit;
    private int position;
    private int wireType;

    ProtoReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    private ProtoReader(byte[] bytes, int offset, int limit) {
        this.bytes = bytes;
        this.position = offset;
        this.limit = limit;
    }

    boolean hasNext() {
        return position < limit;
    }

    /** Reads the next field's tag and returns its field number; {@link #wireType()} then tells how it is encoded. */
    int nextField() {
        long tag = readVarint();
        wireType = (int) (tag & 7);
        int field = (int) (tag >>> 3);
        if (field <= 0) {
            throw new IllegalArgumentException("malformed protobuf: field number " + field);
        }
        return field;
    }

    int wireType() {
        return wireType;
    }

    long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = readByte();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed protobuf: varint longer than 10 bytes");
    }

    boolean readBool() {
        expect(VARINT);
        return readVarint() != 0;
    }

    byte[] readBytes() {
        int length = readLength();
        byte[] value = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return value;
    }

    String readString() {
        int length = readLength();
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** Returns a reader over the embedded message of the current field and skips past it. */
    ProtoReader readMessage() {
        int length = readLength();
        ProtoReader message = new ProtoReader(bytes, position, position + length);
        position += length;
        return message;
    }

    void skipField() {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(readLength());
            case FIXED32 -> advance(4);
            default -> throw new IllegalArgumentException("malformed protobuf: unsupported wire type " + wireType);
        }
    }

    private int readLength() {
        expect(LENGTH_DELIMITED);
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw new IllegalArgumentException("malformed protobuf: length " + length + " exceeds the message");
        }
        return (int) length;
    }

    private void expect(int expectedWireType) {
        if (wireType != expectedWireType) {
            throw new IllegalArgumentException(
                    "malformed protobuf: wire type " + wireType + " where " + expectedWireType + " was expected");
        }
    }

    private void advance(int count) {
        if (count > limit - position) {
            throw new IllegalArgumentException("malformed protobuf: truncated field");
        }
        position += count;
    }

    private byte readByte() {
        if (position >= limit) {
            throw new IllegalArgumentException("malformed protobuf: truncated varint");
        }
        return bytes[position++];
    }
}
