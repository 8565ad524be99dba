package io.krmsync.configmapsyncer;

/** Why one target namespace has no up-to-date copy. */
public record NamespaceFailure(String namespace, String reason, String message) {
}
