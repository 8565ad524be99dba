package io.krmsync.clusters;

/**
 * Which risky kubeconfig features a remote cluster's kubeconfig may use. Kubeconfigs can come from Secrets, so each
 * feature that runs a command, reads the operator's files or weakens TLS needs its own opt-in.
 *
 * @param allowExec exec credential plugins, which run a command inside the operator
 * @param allowAuthProvider auth-provider entries (OIDC and the like)
 * @param allowFileReferences certificate, key, token and command paths on the operator's filesystem
 * @param allowInsecureTls {@code insecure-skip-tls-verify: true}
 */
public record KubeconfigPolicy(boolean allowExec, boolean allowAuthProvider, boolean allowFileReferences,
        boolean allowInsecureTls) {

    /** Refuses every risky feature. */
    public static KubeconfigPolicy strict() {
        return new KubeconfigPolicy(false, false, false, false);
    }
}
