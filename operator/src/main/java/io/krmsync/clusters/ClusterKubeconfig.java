package io.krmsync.clusters;

import java.util.Objects;

import io.fabric8.kubernetes.client.Config;

/**
 * One remote cluster's client configuration, read from a kubeconfig.
 *
 * @param origin where the kubeconfig came from, for people: "file ./cluster2.kubeconfig", "Secret krm-sync-system/prod"
 * @param fingerprint SHA-256 (hex) of the kubeconfig's content and the context's name: it changes when the kubeconfig
 *        does, and reveals nothing of it
 */
public record ClusterKubeconfig(String name, String origin, String fingerprint, Config config) {

    public ClusterKubeconfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(config, "config");
    }

    /** Leaves the Config out: it may hold tokens and keys. */
    @Override
    public String toString() {
        return "ClusterKubeconfig[name=" + name + ", origin=" + origin + ", server=" + config.getMasterUrl() + "]";
    }
}
