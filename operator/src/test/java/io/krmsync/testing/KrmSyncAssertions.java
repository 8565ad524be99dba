package io.krmsync.testing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.assertj.core.api.AbstractObjectAssert;
import org.assertj.core.api.Assertions;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.krmsync.configmapsyncer.ConfigMapSyncerStatus;
import io.krmsync.krmsyncer.KRMSyncer;
import io.krmsync.krmsyncer.KRMSyncerStatus;
import io.krmsync.krmsyncer.RuleStatus;

/**
 * AssertJ, plus what a user checks on a syncer with kubectl: {@code assertThat(syncer).isReady().hasReason("Synced")}
 * as {@code kubectl get configmapsyncer NAME -o wide} shows it, and conditions as {@code kubectl describe} lists them.
 * Import its {@code assertThat} in place of AssertJ's.
 */
public class KrmSyncAssertions extends Assertions {

    public static final String READY = "Ready";

    protected KrmSyncAssertions() {
    }

    /** A ConfigMapSyncer or a KRMSyncer, as read from the API server. */
    public static SyncerAssert assertThat(CustomResource<?, ?> syncer) {
        return new SyncerAssert(syncer);
    }

    public static ConditionAssert assertThat(Condition condition) {
        return new ConditionAssert(condition);
    }

    /** The syncer's condition of this type, if its status has one. */
    public static Optional<Condition> conditionOf(CustomResource<?, ?> syncer, String type) {
        return conditions(syncer).stream().filter(condition -> type.equals(condition.getType())).findFirst();
    }

    /** A KRMSyncer's status for the rule of this kind, or null while it has none. */
    public static RuleStatus ruleOf(KRMSyncer syncer, String kind) {
        List<RuleStatus> rules = syncer.getStatus() == null ? null : syncer.getStatus().getRules();
        return rules == null ? null : rules.stream().filter(rule -> kind.equals(rule.getKind())).findFirst().orElse(null);
    }

    private static List<Condition> conditions(CustomResource<?, ?> syncer) {
        List<Condition> conditions = switch (syncer.getStatus()) {
            case null -> null;
            case ConfigMapSyncerStatus status -> status.getConditions();
            case KRMSyncerStatus status -> status.getConditions();
            default -> throw new IllegalArgumentException("not a syncer: " + syncer.getKind());
        };
        return conditions == null ? List.of() : conditions;
    }

    private static Long observedGeneration(CustomResource<?, ?> syncer) {
        return switch (syncer.getStatus()) {
            case null -> null;
            case ConfigMapSyncerStatus status -> status.getObservedGeneration();
            case KRMSyncerStatus status -> status.getObservedGeneration();
            default -> throw new IllegalArgumentException("not a syncer: " + syncer.getKind());
        };
    }

    /** The status of a ConfigMapSyncer or a KRMSyncer: its conditions, Ready first. */
    public static final class SyncerAssert extends AbstractObjectAssert<SyncerAssert, CustomResource<?, ?>> {

        SyncerAssert(CustomResource<?, ?> syncer) {
            super(syncer, SyncerAssert.class);
        }

        /** kubectl wait --for=condition=Ready */
        public SyncerAssert isReady() {
            return hasCondition(READY, "True");
        }

        /** kubectl wait --for=condition=Ready=false */
        public SyncerAssert isNotReady() {
            return hasCondition(READY, "False");
        }

        /** The Ready condition's reason: the REASON column of {@code kubectl get -o wide}. */
        public SyncerAssert hasReason(String reason) {
            return hasCondition(READY, null, reason);
        }

        public SyncerAssert hasCondition(String type, String status) {
            return hasCondition(type, status, null);
        }

        /** The condition of this type has this status and reason (null: any). */
        public SyncerAssert hasCondition(String type, String status, String reason) {
            Condition condition = existing(type);
            if (status != null && !status.equals(condition.getStatus())
                    || reason != null && !reason.equals(condition.getReason())) {
                failWithMessage("Expected %s %s/%s to have condition %s=%s with reason %s, but it is %s=%s with reason %s: %s",
                        actual.getKind(), actual.getMetadata().getNamespace(), actual.getMetadata().getName(), type,
                        Objects.requireNonNullElse(status, "*"), Objects.requireNonNullElse(reason, "*"), type,
                        condition.getStatus(), condition.getReason(), condition.getMessage());
            }
            return this;
        }

        /** The status describes the current spec: {@code status.observedGeneration} is {@code metadata.generation}. */
        public SyncerAssert hasObservedItsGeneration() {
            isNotNull();
            if (!Objects.equals(observedGeneration(actual), actual.getMetadata().getGeneration())) {
                failWithMessage("Expected %s %s to have observed generation %s, but its status is of generation %s",
                        actual.getKind(), actual.getMetadata().getName(), actual.getMetadata().getGeneration(),
                        observedGeneration(actual));
            }
            return this;
        }

        /** The condition of this type, to assert on its message. */
        public ConditionAssert condition(String type) {
            return new ConditionAssert(existing(type));
        }

        private Condition existing(String type) {
            isNotNull();
            Condition condition = conditionOf(actual, type).orElse(null);
            if (condition == null) {
                failWithMessage("Expected %s %s/%s to have a %s condition, but its status is %s", actual.getKind(),
                        actual.getMetadata().getNamespace(), actual.getMetadata().getName(), type, actual.getStatus());
            }
            return condition;
        }
    }

    /** One status condition, as {@code kubectl describe} shows it. */
    public static final class ConditionAssert extends AbstractObjectAssert<ConditionAssert, Condition> {

        ConditionAssert(Condition condition) {
            super(condition, ConditionAssert.class);
        }

        public ConditionAssert hasStatus(String status) {
            isNotNull();
            Assertions.assertThat(actual.getStatus()).as("%s status: %s", actual.getType(), actual.getMessage())
                    .isEqualTo(status);
            return this;
        }

        public ConditionAssert hasReason(String reason) {
            isNotNull();
            Assertions.assertThat(actual.getReason()).as("%s reason: %s", actual.getType(), actual.getMessage())
                    .isEqualTo(reason);
            return this;
        }

        public ConditionAssert hasMessageContaining(CharSequence... values) {
            isNotNull();
            Assertions.assertThat(actual.getMessage()).as("%s message", actual.getType()).contains(values);
            return this;
        }

        public ConditionAssert hasMessageNotContaining(Iterable<? extends CharSequence> values) {
            isNotNull();
            Assertions.assertThat(actual.getMessage()).as("%s message", actual.getType()).doesNotContain(values);
            return this;
        }
    }
}
