package io.krmsync.sandbox;

import java.util.Arrays;
import java.util.Base64;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the protobuf request bodies that kubectl sends for {@code kubectl create namespace|configmap|secret}
 * into the JSON the CRUD store understands.
 * <p>
 * kubectl 1.32 posts those three kinds as {@code application/vnd.kubernetes.protobuf} and does not retry with
 * JSON when refused; fabric8's mock cannot read protobuf. The body is the {@code k8s\0} magic followed by a
 * {@code runtime.Unknown} envelope (type meta + raw object bytes). Only the fields a client sets on create are
 * decoded; anything else raises {@link UnsupportedProtobufException} so the caller can answer 415 at once.
 */
final class ProtobufBodyDecoder {

    static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = { 'k', '8', 's', 0 };
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ProtobufBodyDecoder() {
    }

    /** Thrown for a well-formed body the decoder does not cover (another kind, an unknown field, an encoding). */
    static final class UnsupportedProtobufException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedProtobufException(String message) {
            super(message);
        }
    }

    static ObjectNode decode(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException("protobuf body does not start with the k8s\\0 magic");
        }
        ProtoReader envelope = new ProtoReader(Arrays.copyOfRange(body, MAGIC.length, body.length));
        String apiVersion = "";
        String kind = "";
        byte[] raw = new byte[0];
        while (envelope.hasNext()) {
            switch (envelope.nextField()) {
                case 1 -> {
                    ProtoReader typeMeta = envelope.readMessage();
                    while (typeMeta.hasNext()) {
                        switch (typeMeta.nextField()) {
                            case 1 -> apiVersion = typeMeta.readString();
                            case 2 -> kind = typeMeta.readString();
                            default -> typeMeta.skipField();
                        }
                    }
                }
                case 2 -> raw = envelope.readBytes();
                case 3 -> {
                    String contentEncoding = envelope.readString();
                    if (!contentEncoding.isEmpty()) {
                        throw new UnsupportedProtobufException("content encoding " + contentEncoding);
                    }
                }
                default -> envelope.skipField();
            }
        }
        if (!"v1".equals(apiVersion)) {
            throw new UnsupportedProtobufException(describe(apiVersion, kind));
        }
        ObjectNode object = JSON.objectNode().put("apiVersion", apiVersion).put("kind", kind);
        ProtoReader fields = new ProtoReader(raw);
        switch (kind) {
            case "Namespace" -> decodeNamespace(fields, object);
            case "ConfigMap" -> decodeConfigMap(fields, object);
            case "Secret" -> decodeSecret(fields, object);
            default -> throw new UnsupportedProtobufException(describe(apiVersion, kind));
        }
        return object;
    }

    private static void decodeNamespace(ProtoReader fields, ObjectNode namespace) {
        while (fields.hasNext()) {
            int field = fields.nextField();
            switch (field) {
                case 1 -> namespace.set("metadata", decodeObjectMeta(fields.readMessage()));
                case 2 -> {
                    ProtoReader spec = fields.readMessage();
                    while (spec.hasNext()) {
                        int specField = spec.nextField();
                        if (specField != 1) {
                            throw unknownField("NamespaceSpec", specField);
                        }
                        namespace.withObjectProperty("spec").withArrayProperty("finalizers").add(spec.readString());
                    }
                }
                // Status is the server's to set, as on a real API server.
                case 3 -> fields.skipField();
                default -> throw unknownField("Namespace", field);
            }
        }
    }

    private static void decodeConfigMap(ProtoReader fields, ObjectNode configMap) {
        while (fields.hasNext()) {
            int field = fields.nextField();
            switch (field) {
                case 1 -> configMap.set("metadata", decodeObjectMeta(fields.readMessage()));
                case 2 -> readMapEntry(fields.readMessage(), configMap.withObjectProperty("data"), false);
                case 3 -> readMapEntry(fields.readMessage(), configMap.withObjectProperty("binaryData"), true);
                case 4 -> configMap.put("immutable", fields.readBool());
                default -> throw unknownField("ConfigMap", field);
            }
        }
    }

    private static void decodeSecret(ProtoReader fields, ObjectNode secret) {
        while (fields.hasNext()) {
            int field = fields.nextField();
            switch (field) {
                case 1 -> secret.set("metadata", decodeObjectMeta(fields.readMessage()));
                case 2 -> readMapEntry(fields.readMessage(), secret.withObjectProperty("data"), true);
                case 3 -> putIfNotEmpty(secret, "type", fields.readString());
                case 4 -> readMapEntry(fields.readMessage(), secret.withObjectProperty("stringData"), false);
                case 5 -> secret.put("immutable", fields.readBool());
                default -> throw unknownField("Secret", field);
            }
        }
    }

    private static ObjectNode decodeObjectMeta(ProtoReader fields) {
        ObjectNode metadata = JSON.objectNode();
        while (fields.hasNext()) {
            int field = fields.nextField();
            switch (field) {
                case 1 -> putIfNotEmpty(metadata, "name", fields.readString());
                case 2 -> putIfNotEmpty(metadata, "generateName", fields.readString());
                case 3 -> putIfNotEmpty(metadata, "namespace", fields.readString());
                case 11 -> readMapEntry(fields.readMessage(), metadata.withObjectProperty("labels"), false);
                case 12 -> readMapEntry(fields.readMessage(), metadata.withObjectProperty("annotations"), false);
                case 14 -> metadata.withArrayProperty("finalizers").add(fields.readString());
                // selfLink, uid, resourceVersion, generation, timestamps, grace period, managedFields:
                // Go clients always encode some of them (empty); the server sets them on create.
                case 4, 5, 6, 7, 8, 9, 10, 17 -> fields.skipField();
                default -> throw unknownField("ObjectMeta", field);
            }
        }
        return metadata;
    }

    /** A protobuf map entry is a message with the key in field 1 and the value in field 2. */
    private static void readMapEntry(ProtoReader entry, ObjectNode target, boolean bytesValue) {
        String key = "";
        String value = "";
        while (entry.hasNext()) {
            switch (entry.nextField()) {
                case 1 -> key = entry.readString();
                case 2 -> value = bytesValue
                        ? Base64.getEncoder().encodeToString(entry.readBytes())
                        : entry.readString();
                default -> entry.skipField();
            }
        }
        target.put(key, value);
    }

    private static void putIfNotEmpty(ObjectNode node, String field, String value) {
        if (!value.isEmpty()) {
            node.put(field, value);
        }
    }

    private static UnsupportedProtobufException unknownField(String message, int field) {
        return new UnsupportedProtobufException("field " + field + " of " + message);
    }

    private static String describe(String apiVersion, String kind) {
        return "kind " + (kind.isEmpty() ? "(none)" : kind) + " of apiVersion " + (apiVersion.isEmpty() ? "(none)" : apiVersion);
    }
}
