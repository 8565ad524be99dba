package io.krmsync.propagation;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.krmsync.sync.LabelSelectors;
import io.krmsync.tenancy.NamespaceNames;
import io.krmsync.tenancy.Tenancy;

/**
 * The namespaces whose labelled ConfigMaps are propagated: those {@code krm-sync.propagation.namespaces} lists (by
 * default the trusted namespaces) and those whose Namespace matches {@code krm-sync.propagation.namespace-selector}.
 * The label on a ConfigMap asks for propagation; the scope is the cluster administrator's answer, so that whoever may
 * label a ConfigMap in some namespace cannot push it into every provider cluster with the operator's credentials.
 */
final class PropagationScope {

    static final String DEFAULT_NAMESPACE_SELECTOR = "krm-sync.io/propagation=enabled";

    private final Predicate<String> listed;
    private final String selectorText;
    private final LabelSelector selector;

    /**
     * @param listed whether a namespace is in scope by its name alone
     * @param namespaceSelector in {@code kubectl -l} syntax
     * @throws IllegalArgumentException when the selector is not one, naming the setting
     */
    PropagationScope(Predicate<String> listed, String namespaceSelector) {
        this.listed = listed;
        this.selectorText = namespaceSelector.strip();
        try {
            this.selector = LabelSelectors.parse(selectorText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("krm-sync.propagation.namespace-selector: " + e.getMessage(), e);
        }
    }

    static PropagationScope of(PropagationConfig config, Tenancy tenancy) {
        Predicate<String> listed = config.namespaces().map(PropagationScope::listing).orElse(tenancy::isTrusted);
        return new PropagationScope(listed, config.namespaceSelector());
    }

    /** Names as the setting lists them, {@code *} for every namespace. */
    static Predicate<String> listing(List<String> names) {
        return NamespaceNames.of(names)::includes;
    }

    /**
     * @param namespace the Namespace object, looked up only when the name is not listed; empty when there is none (a
     *        namespace that does not exist is in no one's scope)
     */
    boolean includes(String name, Supplier<Optional<Namespace>> namespace) {
        return listed.test(name) || namespace.get().filter(this::selects).isPresent();
    }

    /** Whether the Namespace's labels match the selector; its name is not looked at. */
    boolean selects(Namespace namespace) {
        return LabelSelectors.matches(selector, namespace.getMetadata().getLabels());
    }

    /** The NamespaceOutOfScope message: what happens to the ConfigMap, and who can change that, how. */
    String outOfScope(String namespace) {
        return "not propagated: namespace " + namespace + " is outside the propagation scope (it is not listed in"
                + " krm-sync.propagation.namespaces, by default the trusted namespaces, and its labels do not match"
                + " krm-sync.propagation.namespace-selector " + selectorText + "); copies made while it was in scope"
                + " are removed from every provider cluster. A cluster administrator brings it in scope "
                + labelCommand(namespace).map(command -> "with `" + command + "`")
                        .orElse("by labelling the namespace to match that selector")
                + " or by listing it in krm-sync.propagation.namespaces";
    }

    /** {@code kubectl label namespace} with the labels the selector asks for, when it asks for exact values only. */
    private Optional<String> labelCommand(String namespace) {
        List<LabelSelectorRequirement> requirements = selector.getMatchExpressions();
        if (!requirements.stream().allMatch(r -> r.getOperator().equals("In") && r.getValues().size() == 1)) {
            return Optional.empty();
        }
        return Optional.of(requirements.stream().map(r -> r.getKey() + "=" + r.getValues().get(0))
                .collect(Collectors.joining(" ", "kubectl label namespace " + namespace + " ", "")));
    }
}
