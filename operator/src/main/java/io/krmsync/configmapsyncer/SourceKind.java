package io.krmsync.configmapsyncer;

import java.util.Optional;

/** The two kinds a syncer can copy; a spec names exactly one of them. */
enum SourceKind {
    CONFIG_MAP("ConfigMap", "configmaps"),
    SECRET("Secret", "secrets");

    private final String kind;
    private final String resource;

    SourceKind(String kind, String resource) {
        this.kind = kind;
        this.resource = resource;
    }

    /** Empty when the spec names neither or both. */
    static Optional<SourceKind> of(ConfigMapSyncerSpec spec) {
        if (spec == null) {
            return Optional.empty();
        }
        boolean configMap = isSet(spec.getSourceConfigMap());
        boolean secret = isSet(spec.getSourceSecret());
        if (configMap == secret) {
            return Optional.empty();
        }
        return Optional.of(configMap ? CONFIG_MAP : SECRET);
    }

    String kind() {
        return kind;
    }

    /** As URLs and RBAC rules name it. */
    String resource() {
        return resource;
    }

    String sourceName(ConfigMapSyncerSpec spec) {
        return this == CONFIG_MAP ? spec.getSourceConfigMap() : spec.getSourceSecret();
    }

    String copyNameKey(String name) {
        return kind + "/" + name;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
