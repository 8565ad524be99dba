package io.krmsync.krmsyncer;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.SpecEnums;
import io.krmsync.sync.TolerantSpec;

public class KRMSyncerSpec extends TolerantSpec {

    /** What happens to the destination copies when the KRMSyncer is deleted. */
    public enum DeletionPolicy {
        /** They stay: on a standby cluster they are the point. */
        Retain,
        /** Exactly the copies this KRMSyncer made are deleted, then its finalizer is removed. */
        Delete,
        /** Any other value: reported as InvalidSpec (see {@link SpecEnums}); deletes nothing. */
        @JsonIgnore
        Unrecognized;

        @JsonCreator
        public static DeletionPolicy fromSpec(String value) {
            return SpecEnums.byName(values(), value, Unrecognized);
        }
    }

    @JsonPropertyDescription("Pause syncing: no watches, no writes (the passive side of a failover pair). Setting it back to false resyncs everything, deletions missed meanwhile included.")
    private Boolean suspend;

    @JsonPropertyDescription("Alias of suspend, as written by earlier examples. If both are set and disagree, the KRMSyncer stays suspended and says so in its Suspended condition.")
    private Boolean suspended;

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("The kinds to sync. Each rule gets its own watch; an invalid rule fails alone.")
    private List<SyncRule> rules = new ArrayList<>();

    @Required
    @JsonPropertyDescription("The cluster, and optionally the namespace, the objects are pushed to.")
    private Destination destination;

    @JsonPropertyDescription("Also copy the status subresource, for kinds that have one, after the object itself.")
    private boolean syncStatus;

    @Default("Retain")
    @JsonPropertyDescription("When this KRMSyncer is deleted: Retain (default) leaves the destination copies, Delete removes exactly the copies it made. A suspended KRMSyncer deletes nothing.")
    private DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

    @Default("Skip")
    @JsonPropertyDescription("When the destination already holds an object of that name not created by krm-sync: Skip (leave it, report a conflict) or Overwrite (take it over, e.g. to push back to the former active cluster after a failover).")
    private ConflictPolicy conflictPolicy = ConflictPolicy.Skip;

    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @Size(max = 253)
    @JsonPropertyDescription("A ServiceAccount of this KRMSyncer's namespace to act as in this cluster: a rule's objects are watched only if SubjectAccessReviews allow that ServiceAccount to list and watch them there. Writes go to the destination with the kubeconfig's own credentials. Unset: the operator's own authority, or the ServiceAccount krm-sync.tenancy.default-service-account names for KRMSyncers outside the trusted namespaces.")
    private String serviceAccountName;

    public Boolean getSuspend() {
        return suspend;
    }

    public void setSuspend(Boolean suspend) {
        this.suspend = suspend;
    }

    public Boolean getSuspended() {
        return suspended;
    }

    public void setSuspended(Boolean suspended) {
        this.suspended = suspended;
    }

    /** Fields this version does not know, as paths ({@code spec.mode}, {@code spec.rules[0].syncFields}). */
    public List<String> unknownFields() {
        List<String> unknown = new ArrayList<>(unknownFieldsAt("spec"));
        if (destination != null) {
            unknown.addAll(destination.unknownFieldsAt("spec.destination"));
        }
        for (int i = 0; rules != null && i < rules.size(); i++) {
            if (rules.get(i) != null) {
                unknown.addAll(rules.get(i).unknownFieldsAt("spec.rules[" + i + "]"));
            }
        }
        return unknown;
    }

    public List<SyncRule> getRules() {
        return rules;
    }

    public void setRules(List<SyncRule> rules) {
        this.rules = rules;
    }

    public Destination getDestination() {
        return destination;
    }

    public void setDestination(Destination destination) {
        this.destination = destination;
    }

    public boolean isSyncStatus() {
        return syncStatus;
    }

    public void setSyncStatus(boolean syncStatus) {
        this.syncStatus = syncStatus;
    }

    public DeletionPolicy getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
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
