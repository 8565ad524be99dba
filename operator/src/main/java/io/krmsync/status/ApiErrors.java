package io.krmsync.status;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Reasons for API failures, shared by status, events and the errors metric. */
public final class ApiErrors {

    private ApiErrors() {
    }

    /** No HTTP answer at all (refused, reset, timed out): fabric8 7.7 reports -1, older versions 0. */
    public static boolean isUnanswered(KubernetesClientException e) {
        return e.getCode() <= 0;
    }

    public static Reason reason(KubernetesClientException e) {
        if (isUnanswered(e)) {
            return Reason.Unreachable;
        }
        return switch (e.getCode()) {
            case 401 -> Reason.Unauthorized;
            case 403 -> Reason.Forbidden;
            case 404 -> Reason.NotFound;
            case 409 -> Reason.WriteConflict;
            case 413 -> Reason.TooLarge;
            case 422 -> Reason.Invalid;
            case 429 -> Reason.TooManyRequests;
            default -> e.getCode() >= 500 ? Reason.ServerError : Reason.RequestFailed;
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
