package io.krmsync.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes protobuf wire format for tests, the way Go's generated Kubernetes marshallers do. */
final class ProtoWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, ProtoReader.LENGTH_DELIMITED);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    ProtoWriter bool(int field, boolean value) {
        tag(field, ProtoReader.VARINT);
        varint(value ? 1 : 0);
        return this;
    }

    ProtoWriter int64(int field, long value) {
        tag(field, ProtoReader.VARINT);
        varint(value);
        return this;
    }

    /** One entry of a protobuf map field. */
    ProtoWriter entry(int field, String key, String value) {
        return message(field, new ProtoWriter().string(1, key).string(2, value));
    }

    ProtoWriter entry(int field, String key, byte[] value) {
        return message(field, new ProtoWriter().string(1, key).bytes(2, value));
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** The {@code k8s\0} magic and the runtime.Unknown envelope around an object's bytes. */
    static byte[] kubernetesEnvelope(String apiVersion, String kind, ProtoWriter object) {
        ProtoWriter unknown = new ProtoWriter()
                .message(1, new ProtoWriter().string(1, apiVersion).string(2, kind))
                .bytes(2, object.toByteArray())
                .string(3, "")
                .string(4, "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] { 'k', '8', 's', 0 });
        body.writeBytes(unknown.toByteArray());
        return body.toByteArray();
    }

    private void tag(int field, int wireType) {
        varint((long) field << 3 | wireType);
    }

    private void varint(long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }
}
