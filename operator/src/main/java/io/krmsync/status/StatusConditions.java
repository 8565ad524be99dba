package io.krmsync.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** Standard Kubernetes conditions: lastTransitionTime moves only when the status value itself changes. */
public final class StatusConditions {

    public static final String READY = "Ready";

    private StatusConditions() {
    }

    /** The conditions with {@code type} set to the given values, keeping the other conditions as they were. */
    public static List<Condition> with(List<Condition> current, String type, boolean status, Reason reason,
            String message, Long observedGeneration, Instant now) {
        String statusValue = status ? "True" : "False";
        Optional<Condition> previous = find(current, type);
        String transitionTime = previous.filter(c -> statusValue.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(now.toString());
        Condition next = new ConditionBuilder().withType(type).withStatus(statusValue).withReason(reason.name())
                .withMessage(message).withObservedGeneration(observedGeneration)
                .withLastTransitionTime(transitionTime).build();
        List<Condition> result = new ArrayList<>();
        if (current != null) {
            current.stream().filter(c -> !type.equals(c.getType())).forEach(result::add);
        }
        result.add(next);
        return result;
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }
}
