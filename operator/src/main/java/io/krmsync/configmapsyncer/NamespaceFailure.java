package io.krmsync.configmapsyncer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Why one target namespace has no up-to-date copy. */
// Unknown fields are read past, for the reason KRMSyncerSpec and ConfigMapSyncerSpec give.
@JsonIgnoreProperties(ignoreUnknown = true)
public record NamespaceFailure(String namespace, String reason, String message) {
}
