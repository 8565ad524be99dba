package io.krmsync.clusters;

import io.krmsync.status.Reason;

/**
 * A kubeconfig that cannot be used, with its reason (one of the kubeconfig reasons of {@link Reason}). The message
 * says what is wrong and which setting would allow it; it never carries credentials, nor parser messages, which
 * quote the input.
 */
public class InvalidKubeconfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public InvalidKubeconfigException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
