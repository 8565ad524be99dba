package io.krmsync.krmsyncer;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * A rule's kind as one cluster serves it, from that cluster's discovery.
 *
 * @param plural the resource name in URLs
 * @param statusSubresource whether status is written through {@code /status}
 */
record RuleKind(String group, String version, String kind, String plural, boolean namespaced,
        boolean statusSubresource) {

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    @Override
    public String toString() {
        return kind + "." + (group.isEmpty() ? "" : group + "/") + version;
    }
}
