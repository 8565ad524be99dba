package io.krmsync.krmsyncer;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.krmsync.sync.TolerantSpec;

/** One kind to sync, optionally limited to some namespaces. */
public class SyncRule extends TolerantSpec {

    @Pattern("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @JsonPropertyDescription("API group of the kind; \"\" (or absent) for the core group (ConfigMap, Secret, Service).")
    private String group = "";

    @Required
    @Pattern("^v[0-9]+((alpha|beta)[0-9]+)?$")
    @JsonPropertyDescription("API version, e.g. v1.")
    private String version;

    @Required
    @Pattern("^[A-Z][A-Za-z0-9]*$")
    @JsonPropertyDescription("Kind, e.g. ConfigMap. Built-in kinds, custom resources and cluster-scoped kinds all work.")
    private String kind;

    @JsonPropertyDescription("Only objects in these namespaces; when empty, all namespaces, or only the KRMSyncer's own"
            + " for a KRMSyncer outside the trusted namespaces. Ignored for cluster-scoped kinds.")
    private List<String> namespaces = new ArrayList<>();

    public SyncRule() {
    }

    public SyncRule(String group, String version, String kind, List<String> namespaces) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.namespaces = namespaces;
    }

    GroupVersionKind gvk() {
        return new GroupVersionKind(group, version, kind);
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public List<String> getNamespaces() {
        return namespaces;
    }

    public void setNamespaces(List<String> namespaces) {
        this.namespaces = namespaces;
    }
}
