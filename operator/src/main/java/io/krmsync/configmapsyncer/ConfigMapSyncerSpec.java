package io.krmsync.configmapsyncer;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.TolerantSpec;

// Only constant-cost CEL rules: a rule iterating an unbounded list exceeds the API server's cost budget and gets the
// whole CRD rejected. The reconciler checks the rest (source namespace among targets) and reports InvalidSpec.
@ValidationRule(value = "has(self.sourceConfigMap) != has(self.sourceSecret)",
        message = "exactly one of sourceConfigMap and sourceSecret must be set")
@ValidationRule(value = "(has(self.targetNamespaces) && size(self.targetNamespaces) > 0) || has(self.namespaceSelector)",
        message = "set targetNamespaces, namespaceSelector, or both")
public class ConfigMapSyncerSpec extends TolerantSpec {

    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 63)
    @JsonPropertyDescription("Namespace of the source ConfigMap or Secret.")
    private String sourceNamespace;

    @JsonPropertyDescription("Name of the source ConfigMap. Exactly one of sourceConfigMap and sourceSecret.")
    private String sourceConfigMap;

    @JsonPropertyDescription("Name of the source Secret. Exactly one of sourceConfigMap and sourceSecret.")
    private String sourceSecret;

    @JsonPropertyDescription("Namespaces to copy to. Unioned with namespaceSelector; the source namespace is never a target.")
    private List<String> targetNamespaces = new ArrayList<>();

    @JsonPropertyDescription("Copies go to every namespace whose labels match this selector (matchLabels, matchExpressions).")
    private LabelSelector namespaceSelector;

    @JsonPropertyDescription("Copy only these keys of data/binaryData; all keys when empty. Keys missing from the source are reported in status.")
    private List<String> keys = new ArrayList<>();

    @Default("Skip")
    @JsonPropertyDescription("When a target already holds an object of that name not created by krm-sync: Skip (leave it, report a conflict) or Overwrite (take it over; a syncer outside the trusted namespaces takes over only in its own namespace).")
    private ConflictPolicy conflictPolicy = ConflictPolicy.Skip;

    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @Size(max = 253)
    @JsonPropertyDescription("A ServiceAccount of this syncer's namespace to act as: the source is read only if a SubjectAccessReview allows that ServiceAccount to get it, and copies are written and deleted impersonating it, so that its RBAC bounds what the syncer does. Unset: the operator's own authority, or the ServiceAccount krm-sync.tenancy.default-service-account names for syncers outside the trusted namespaces.")
    private String serviceAccountName;

    /** Fields this version does not know, as paths ({@code spec.dryRun}); see {@link TolerantSpec}. */
    public List<String> unknownFields() {
        return unknownFieldsAt("spec");
    }

    public String getSourceNamespace() {
        return sourceNamespace;
    }

    public void setSourceNamespace(String sourceNamespace) {
        this.sourceNamespace = sourceNamespace;
    }

    public String getSourceConfigMap() {
        return sourceConfigMap;
    }

    public void setSourceConfigMap(String sourceConfigMap) {
        this.sourceConfigMap = sourceConfigMap;
    }

    public String getSourceSecret() {
        return sourceSecret;
    }

    public void setSourceSecret(String sourceSecret) {
        this.sourceSecret = sourceSecret;
    }

    public List<String> getTargetNamespaces() {
        return targetNamespaces;
    }

    public void setTargetNamespaces(List<String> targetNamespaces) {
        this.targetNamespaces = targetNamespaces;
    }

    public LabelSelector getNamespaceSelector() {
        return namespaceSelector;
    }

    public void setNamespaceSelector(LabelSelector namespaceSelector) {
        this.namespaceSelector = namespaceSelector;
    }

    public List<String> getKeys() {
        return keys;
    }

    public void setKeys(List<String> keys) {
        this.keys = keys;
    }

    public ConflictPolicy getConflictPolicy() {
        return conflictPolicy;
    }

    public void setConflictPolicy(ConflictPolicy conflictPolicy) {
        this.conflictPolicy = conflictPolicy;
    }

    public String getServiceAccountName() {
        return serviceAccountName;
    }

    public void setServiceAccountName(String serviceAccountName) {
        this.serviceAccountName = serviceAccountName;
    }
}
