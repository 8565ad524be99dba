package io.krmsync.configmapsyncer;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;
import io.krmsync.status.SyncerStatus;

/**
 * Lists are always present (possibly empty) so that a JSON merge patch of the status replaces them rather than
 * leaving stale entries behind.
 */
// What a newer version wrote into status is read past (one such object must not stop the informer); this
// version's next status write replaces it.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ConfigMapSyncerStatus implements SyncerStatus {

    @JsonPropertyDescription("The spec generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("The source, as Kind namespace/name.")
    private String source;

    @JsonPropertyDescription("Namespaces in sync / namespaces targeted.")
    private String summary;

    private List<String> syncedNamespaces = new ArrayList<>();

    private List<String> failedNamespaces = new ArrayList<>();

    @JsonPropertyDescription("Why each failed namespace failed.")
    private List<NamespaceFailure> failures = new ArrayList<>();

    @JsonPropertyDescription("Keys listed in spec.keys that the source does not have.")
    private List<String> missingKeys = new ArrayList<>();

    @JsonPropertyDescription("When the copies were last brought in line with the source.")
    private String lastSyncTime;

    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }

    public List<String> getSyncedNamespaces() {
        return syncedNamespaces;
    }

    public void setSyncedNamespaces(List<String> syncedNamespaces) {
        this.syncedNamespaces = syncedNamespaces;
    }

    public List<String> getFailedNamespaces() {
        return failedNamespaces;
    }

    public void setFailedNamespaces(List<String> failedNamespaces) {
        this.failedNamespaces = failedNamespaces;
    }

    public List<NamespaceFailure> getFailures() {
        return failures;
    }

    public void setFailures(List<NamespaceFailure> failures) {
        this.failures = failures;
    }

    public List<String> getMissingKeys() {
        return missingKeys;
    }

    public void setMissingKeys(List<String> missingKeys) {
        this.missingKeys = missingKeys;
    }

    public String getLastSyncTime() {
        return lastSyncTime;
    }

    public void setLastSyncTime(String lastSyncTime) {
        this.lastSyncTime = lastSyncTime;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
