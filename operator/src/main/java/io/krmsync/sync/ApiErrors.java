package io.krmsync.sync;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Condition-style reasons for API failures, shared by status, events and the errors metric. */
public final class ApiErrors {

    private ApiErrors() {
    }

    /** No HTTP answer at all (refused, reset, timed out): fabric8 7.7 reports -1, older versions 0. */
    public static boolean isUnanswered(KubernetesClientException e) {
        return e.getCode() <= 0;
    }

    public static String reason(KubernetesClientException e) {
        if (isUnanswered(e)) {
            return "Unreachable";
        }
        return switch (e.getCode()) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 413 -> "TooLarge";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            default -> e.getCode() >= 500 ? "ServerError" : "RequestFailed";
        };
    }

    /** The API server's own message, which names the field at fault but never carries object content. */
    public static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return isUnanswered(e) ? "API server unreachable" : "HTTP " + e.getCode();
    }
}
