package io.krmsync.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.krmsync.propagation.ProviderOutcomes.Outcome;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.Reason;

class ProviderOutcomesTest {

    private final List<String> events = new ArrayList<>();
    private final ProviderOutcomes outcomes = new ProviderOutcomes(new EventRecorder(null) {
        @Override
        public void normal(HasMetadata regarding, Reason reason, String message) {
            events.add("Normal " + reason + ": " + message);
        }

        @Override
        public void warning(HasMetadata regarding, Reason reason, String message) {
            events.add("Warning " + reason + ": " + message);
        }
    });
    private final ConfigMap source = new ConfigMapBuilder().withNewMetadata().withNamespace("default")
            .withName("app").endMetadata().build();

    @Test
    void aFailureIsReportedOnceAndItsRecoveryOnce() {
        assertThat(outcomes.record(source, List.of(Outcome.synced("cluster2"), Outcome.synced("cluster3")))).isFalse();
        assertThat(events).isEmpty();

        Outcome forbidden = Outcome.failed("cluster3", Reason.Forbidden, "configmaps is forbidden");
        assertThat(outcomes.record(source, List.of(Outcome.synced("cluster2"), forbidden))).isTrue();
        assertThat(outcomes.record(source, List.of(Outcome.synced("cluster2"), forbidden))).isTrue();
        assertThat(events).containsExactly("Warning PropagationFailed: cluster cluster3: Forbidden: configmaps is forbidden");

        outcomes.record(source, List.of(Outcome.synced("cluster2"), Outcome.synced("cluster3")));
        assertThat(events).last().isEqualTo("Normal PropagationRecovered: propagated to cluster cluster3 again");
        assertThat(events).hasSize(2);
    }

    @Test
    void aConflictIsReportedOnceAndIsNotRetried() {
        Outcome conflict = Outcome.conflict("cluster2", "ConfigMap default/app in cluster cluster2 already exists");

        assertThat(outcomes.record(source, List.of(conflict))).isFalse();
        outcomes.record(source, List.of(conflict));

        assertThat(events).containsExactly(
                "Warning Conflict: cluster cluster2: ConfigMap default/app in cluster cluster2 already exists");
    }

    @Test
    void aClusterNotWrittenThisTimeKeepsItsLastOutcome() {
        outcomes.record(source, List.of(Outcome.failed("cluster3", Reason.Forbidden, "no")));
        // cluster3 unreachable now: not in this round's outcomes, and no recovery is claimed for it.
        outcomes.record(source, List.of(Outcome.synced("cluster2")));
        outcomes.record(source, List.of(Outcome.failed("cluster3", Reason.Forbidden, "no")));

        assertThat(events).containsExactly("Warning PropagationFailed: cluster cluster3: Forbidden: no");
    }

    @Test
    void aSourceThatIsNotPropagatedIsReportedOncePerReasonUntilForgotten() {
        outcomes.notPropagated(source, Reason.SourceIsACopy, "a copy");
        outcomes.notPropagated(source, Reason.SourceIsACopy, "a copy");
        outcomes.forget(ResourceID.fromResource(source));
        outcomes.notPropagated(source, Reason.SourceIsACopy, "a copy");

        assertThat(events).containsExactly("Warning SourceIsACopy: a copy", "Warning SourceIsACopy: a copy");
    }

    /** Out of scope, its copies went: once in scope again, a provider that had failed before is no recovery. */
    @Test
    void aSourceNotPropagatedStartsAfreshWhenItIsPropagatedAgain() {
        outcomes.record(source, List.of(Outcome.failed("cluster3", Reason.Forbidden, "no")));
        outcomes.notPropagated(source, Reason.NamespaceOutOfScope, "out of scope");
        outcomes.record(source, List.of(Outcome.synced("cluster3")));

        assertThat(events).containsExactly("Warning PropagationFailed: cluster cluster3: Forbidden: no",
                "Warning NamespaceOutOfScope: out of scope");
    }
}
