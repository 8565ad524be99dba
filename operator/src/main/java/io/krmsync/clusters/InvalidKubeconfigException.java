package io.krmsync.clusters;

/**
 * A kubeconfig that cannot be used. The reason is CamelCase, for status conditions and metrics. The message says what
 * is wrong and which setting would allow it; it never carries credentials, nor parser messages, which quote the input.
 */
public class InvalidKubeconfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Not YAML, not a kubeconfig, empty, or entries without names or with one name twice. */
    public static final String MALFORMED_KUBECONFIG = "MalformedKubeconfig";
    public static final String NO_CONTEXTS = "NoContexts";
    /** A kubeconfig with one context does not name it in current-context. */
    public static final String NO_CURRENT_CONTEXT = "NoCurrentContext";
    /** A context names a missing cluster or user, or its cluster has no server. */
    public static final String CONTEXT_INCOMPLETE = "ContextIncomplete";
    public static final String EXEC_REFUSED = "ExecRefused";
    /** An allowed exec credential plugin could not be started. */
    public static final String EXEC_FAILED = "ExecFailed";
    public static final String AUTH_PROVIDER_REFUSED = "AuthProviderRefused";
    public static final String FILE_REFERENCE_REFUSED = "FileReferenceRefused";
    public static final String INSECURE_TLS_REFUSED = "InsecureTlsRefused";
    public static final String INVALID_CLUSTER_NAME = "InvalidClusterName";

    private final String reason;

    public InvalidKubeconfigException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
