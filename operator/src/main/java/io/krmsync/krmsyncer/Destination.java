package io.krmsync.krmsyncer;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.krmsync.sync.TolerantSpec;

/** Where the objects go. */
public class Destination extends TolerantSpec {

    @Required
    @JsonPropertyDescription("How to reach the destination cluster.")
    private ClusterConfig clusterConfig;

    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 63)
    @JsonPropertyDescription("Every namespaced object lands in this namespace at the destination (created when missing); by default each keeps its own namespace.")
    private String namespace;

    @Override
    public List<String> unknownFieldsAt(String path) {
        List<String> unknown = new ArrayList<>(super.unknownFieldsAt(path));
        if (clusterConfig != null) {
            unknown.addAll(clusterConfig.unknownFieldsAt(path + ".clusterConfig"));
            if (clusterConfig.getKubeConfigSecretRef() != null) {
                unknown.addAll(clusterConfig.getKubeConfigSecretRef()
                        .unknownFieldsAt(path + ".clusterConfig.kubeConfigSecretRef"));
            }
        }
        return unknown;
    }

    public ClusterConfig getClusterConfig() {
        return clusterConfig;
    }

    public void setClusterConfig(ClusterConfig clusterConfig) {
        this.clusterConfig = clusterConfig;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    /** The destination cluster's credentials. */
    public static class ClusterConfig extends TolerantSpec {

        @Required
        @JsonPropertyDescription("A Secret in the KRMSyncer's own namespace holding the destination's kubeconfig.")
        private KubeConfigSecretRef kubeConfigSecretRef;

        public KubeConfigSecretRef getKubeConfigSecretRef() {
            return kubeConfigSecretRef;
        }

        public void setKubeConfigSecretRef(KubeConfigSecretRef kubeConfigSecretRef) {
            this.kubeConfigSecretRef = kubeConfigSecretRef;
        }
    }

    /** A key of a Secret in the KRMSyncer's namespace. */
    public static class KubeConfigSecretRef extends TolerantSpec {

        @Required
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        @Size(max = 253)
        @JsonPropertyDescription("Name of the Secret; it must be in the KRMSyncer's namespace.")
        private String name;

        @Pattern("^[-._a-zA-Z0-9]+$")
        @JsonPropertyDescription("Key of the kubeconfig in the Secret's data; default kubeconfig.")
        private String key = "kubeconfig";

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }
    }
}
