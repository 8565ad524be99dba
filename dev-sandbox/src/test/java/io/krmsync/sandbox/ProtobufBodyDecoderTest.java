package io.krmsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.krmsync.sandbox.ProtobufBodyDecoder.UnsupportedProtobufException;

class ProtobufBodyDecoderTest {

    // Request bodies captured from kubectl v1.32.4 (create namespace, create configmap --from-literal and
    // --from-file, create secret generic --type, create deployment), relayed to a sandbox API server.
    private static final String KUBECTL_CREATE_NAMESPACE = "6b3873000a0f0a02763112094e616d65737061636512200a180a0863617"
            + "0747572656412001a0022002a0032003800420012001a020a001a002200";
    private static final String KUBECTL_CREATE_CONFIGMAP = "6b3873000a0f0a0276311209436f6e6669674d617012420a220a0a636"
            + "1702d636f6e66696712001a08636170747572656422002a0032003800420012090a05656d707479120012110a086772656574696e"
            + "67120568656c6c6f1a002200";
    private static final String KUBECTL_CREATE_BINARY_CONFIGMAP = "6b3873000a0f0a0276311209436f6e6669674d6170122e0a1f0"
            + "a076361702d62696e12001a08636170747572656422002a003200380042001a0b0a04626c6f6212030001ff1a002200";
    private static final String KUBECTL_CREATE_SECRET = "6b3873000a0c0a0276311206536563726574124b0a220a0a6361702d736"
            + "56372657412001a08636170747572656422002a0032003800420012120a0870617373776f726412067333637233741a116578616d70"
            + "6c652e636f6d2f746f6b656e1a002200";
    private static final String KUBECTL_CREATE_DEPLOYMENT = "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412"
            + "b3010a270a0377656212001a08636170747572656422002a003200380042005a0a0a036170701203776562127a0801120c0a0a0a03"
            + "61707012037765621a600a1c0a0012001a0022002a003200380042005a0a0a036170701203776562124012220a056e67696e781205"
            + "6e67696e782a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c20100"
            + "22020a00280038001a0c0800100018002000280038001a002200";

    @Test
    void decodesKubectlCreateNamespace() {
        ObjectNode namespace = decodeHex(KUBECTL_CREATE_NAMESPACE);

        assertThat(namespace.toString()).isEqualTo("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"captured"}}""");
    }

    @Test
    void decodesKubectlCreateConfigMapWithLiterals() {
        ObjectNode configMap = decodeHex(KUBECTL_CREATE_CONFIGMAP);

        assertThat(configMap.toString()).isEqualTo("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cap-config","namespace":"captured"},\
                "data":{"empty":"","greeting":"hello"}}""");
    }

    @Test
    void decodesBinaryDataAsBase64() {
        ObjectNode configMap = decodeHex(KUBECTL_CREATE_BINARY_CONFIGMAP);

        assertThat(configMap.path("binaryData").path("blob").asText()).isEqualTo("AAH/");
        assertThat(configMap.has("data")).isFalse();
    }

    @Test
    void decodesKubectlCreateSecretWithType() {
        ObjectNode secret = decodeHex(KUBECTL_CREATE_SECRET);

        assertThat(secret.path("metadata").path("name").asText()).isEqualTo("cap-secret");
        assertThat(secret.path("data").path("password").asText()).isEqualTo("czNjcjN0");
        assertThat(secret.path("type").asText()).isEqualTo("example.com/token");
    }

    @Test
    void decodesLabelsAnnotationsFinalizersStringDataAndImmutable() {
        ProtoWriter metadata = new ProtoWriter()
                .string(1, "app")
                .string(2, "")
                .string(3, "dev")
                .string(6, "")
                .int64(7, 0)
                .message(8, new ProtoWriter())
                .entry(11, "team", "a")
                .entry(11, "env", "prod")
                .entry(12, "note", "hello")
                .string(14, "example.com/cleanup");
        ProtoWriter secret = new ProtoWriter()
                .message(1, metadata)
                .entry(2, "raw", new byte[] { 1, 2 })
                .string(3, "Opaque")
                .entry(4, "token", "t0k3n")
                .bool(5, true);

        ObjectNode decoded = ProtobufBodyDecoder.decode(ProtoWriter.kubernetesEnvelope("v1", "Secret", secret));

        assertThat(decoded.toString()).isEqualTo("""
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"app","namespace":"dev",\
                "labels":{"team":"a","env":"prod"},"annotations":{"note":"hello"},\
                "finalizers":["example.com/cleanup"]},"data":{"raw":"AQI="},"type":"Opaque",\
                "stringData":{"token":"t0k3n"},"immutable":true}""");
    }

    @Test
    void decodesNamespaceFinalizersAndIgnoresStatus() {
        ProtoWriter namespace = new ProtoWriter()
                .message(1, new ProtoWriter().string(1, "team-a").entry(11, "env", "prod"))
                .message(2, new ProtoWriter().string(1, "kubernetes"))
                .message(3, new ProtoWriter().string(1, "Terminating"));

        ObjectNode decoded = ProtobufBodyDecoder.decode(ProtoWriter.kubernetesEnvelope("v1", "Namespace", namespace));

        assertThat(decoded.toString()).isEqualTo("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","labels":{"env":"prod"}},\
                "spec":{"finalizers":["kubernetes"]}}""");
    }

    @Test
    void refusesOtherKinds() {
        assertThatThrownBy(() -> decodeHex(KUBECTL_CREATE_DEPLOYMENT))
                .isInstanceOf(UnsupportedProtobufException.class)
                .hasMessageContaining("Deployment");
    }

    @Test
    void refusesFieldsItDoesNotKnowRatherThanDroppingThem() {
        ProtoWriter ownerReference = new ProtoWriter().string(3, "owner");
        ProtoWriter configMap = new ProtoWriter()
                .message(1, new ProtoWriter().string(1, "app").message(13, ownerReference));

        assertThatThrownBy(() -> ProtobufBodyDecoder.decode(
                ProtoWriter.kubernetesEnvelope("v1", "ConfigMap", configMap)))
                .isInstanceOf(UnsupportedProtobufException.class)
                .hasMessageContaining("field 13 of ObjectMeta");
    }

    @Test
    void rejectsBodiesWithoutTheMagicOrTruncated() {
        assertThatThrownBy(() -> ProtobufBodyDecoder.decode("{}".getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("magic");
        byte[] body = HexFormat.of().parseHex(KUBECTL_CREATE_CONFIGMAP);
        byte[] truncated = java.util.Arrays.copyOf(body, body.length - 20);
        assertThatThrownBy(() -> ProtobufBodyDecoder.decode(truncated))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(UnsupportedProtobufException.class);
    }

    private static ObjectNode decodeHex(String hex) {
        return ProtobufBodyDecoder.decode(HexFormat.of().parseHex(hex));
    }
}
