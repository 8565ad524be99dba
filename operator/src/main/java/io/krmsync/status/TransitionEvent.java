package io.krmsync.status;

/** A Kubernetes Event that a status transition calls for: something newly went wrong, or right. */
public record TransitionEvent(boolean warning, Reason reason, String message) {

    public static TransitionEvent normal(Reason reason, String message) {
        return new TransitionEvent(false, reason, message);
    }

    public static TransitionEvent warning(Reason reason, String message) {
        return new TransitionEvent(true, reason, message);
    }
}
