package io.krmsync.krmsyncer;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;
import io.krmsync.status.SyncerStatus;

/** Lists are always present so that a JSON merge patch of the status replaces them rather than keeping stale entries. */
// What a newer version wrote into status is read past (one such object must not stop the informer); this
// version's next status write replaces it.
@JsonIgnoreProperties(ignoreUnknown = true)
public class KRMSyncerStatus implements SyncerStatus {

    @JsonPropertyDescription("The spec generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("The destination cluster's API server, from the kubeconfig Secret.")
    private String destination;

    @JsonPropertyDescription("Objects in sync / objects selected, over all rules.")
    private String summary;

    @JsonPropertyDescription("Per rule: objects synced, failed and skipped, and the last error.")
    private List<RuleStatus> rules = new ArrayList<>();

    @JsonPropertyDescription("When the destination was last brought in line with the source.")
    private String lastSyncTime;

    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = destination;
    }

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }

    public List<RuleStatus> getRules() {
        return rules;
    }

    public void setRules(List<RuleStatus> rules) {
        this.rules = rules;
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
