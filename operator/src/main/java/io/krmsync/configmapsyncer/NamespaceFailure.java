package io.krmsync.configmapsyncer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Why one target namespace has no up-to-date copy. */
// What a newer version wrote into status is read past (one such object must not stop the informer); this
// version's next status write replaces it.
@JsonIgnoreProperties(ignoreUnknown = true)
public record NamespaceFailure(String namespace, String reason, String message) {
}
