package io.krmsync.krmsyncer;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * A rule's kind as one cluster serves it, from that cluster's discovery.
 *
 * @param plural the resource name in URLs
 * @param statusSubresource whether status is written through {@code /status}
 */
record RuleKind(GroupVersionKind gvk, String plural, boolean namespaced, boolean statusSubresource) {

    String kind() {
        return gvk.kind();
    }

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(gvk.group()).withVersion(gvk.version())
                .withKind(gvk.kind()).withPlural(plural).withNamespaced(namespaced).build();
    }

    @Override
    public String toString() {
        return gvk.toString();
    }
}
