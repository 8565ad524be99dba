package io.krmsync.krmsyncer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.krmsync.status.Reason;

/**
 * How one rule fares. Also the record of which kinds this KRMSyncer has written, so that a rule removed while the
 * operator was down still gets its copies cleaned up.
 */
// What a newer version wrote into status is read past (one such object must not stop the informer); this
// version's next status write replaces it.
@JsonIgnoreProperties(ignoreUnknown = true)
public class RuleStatus {

    private String group;
    private String version;
    private String kind;

    @JsonPropertyDescription("Objects of this rule in sync at the destination.")
    private int synced;

    @JsonPropertyDescription("Objects of this rule that could not be synced (see lastError).")
    private int failed;

    @JsonPropertyDescription("Objects left out on purpose: service-account tokens, copies made by another krm-sync owner.")
    private int skipped;

    @JsonPropertyDescription("Why the rule, or its last failed object, failed: a condition-style reason.")
    private String reason;

    @JsonPropertyDescription("The last error of this rule, if any.")
    private String lastError;

    public RuleStatus() {
    }

    RuleStatus(GroupVersionKind gvk) {
        this.group = gvk.group();
        this.version = gvk.version();
        this.kind = gvk.kind();
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

    public int getSynced() {
        return synced;
    }

    public void setSynced(int synced) {
        this.synced = synced;
    }

    public int getFailed() {
        return failed;
    }

    public void setFailed(int failed) {
        this.failed = failed;
    }

    public int getSkipped() {
        return skipped;
    }

    public void setSkipped(int skipped) {
        this.skipped = skipped;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getLastError() {
        return lastError;
    }

    public void setLastError(String lastError) {
        this.lastError = lastError;
    }

    /** Why the rule, or its last failed object, failed. */
    void problem(Reason reason, String message) {
        this.reason = reason.name();
        this.lastError = message;
    }
}
