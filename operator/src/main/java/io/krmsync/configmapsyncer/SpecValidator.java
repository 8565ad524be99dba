package io.krmsync.configmapsyncer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.LabelSelectors;
import io.krmsync.sync.TolerantSpec;
import io.krmsync.tenancy.Impersonation;

/**
 * Checks a spec the way the CRD's schema and CEL rules do on a real API server, so that an object that slipped past
 * them (an older CRD, an in-memory server) still gets a clear InvalidSpec instead of undefined behaviour.
 */
final class SpecValidator {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern
            .compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    private SpecValidator() {
    }

    static List<String> problems(ConfigMapSyncerSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            problems.add("spec is required");
            return problems;
        }
        sourceProblems(spec, problems);
        targetProblems(spec, problems);
        for (String key : nullToEmpty(spec.getKeys())) {
            if (key == null || key.length() > 253 || !DATA_KEY.matcher(key).matches()) {
                problems.add("spec.keys: \"" + key + "\" is not a valid ConfigMap/Secret key");
            }
        }
        if (spec.getConflictPolicy() == ConflictPolicy.Unrecognized) {
            problems.add("spec.conflictPolicy must be Skip or Overwrite");
        }
        if (!Impersonation.isServiceAccountName(spec.getServiceAccountName())) {
            problems.add("spec.serviceAccountName \"" + spec.getServiceAccountName()
                    + "\" is not a valid ServiceAccount name");
        }
        problems.addAll(TolerantSpec.problems(spec.unknownFields()));
        return problems;
    }

    private static void sourceProblems(ConfigMapSyncerSpec spec, List<String> problems) {
        if (isBlank(spec.getSourceNamespace())) {
            problems.add("spec.sourceNamespace is required");
        } else if (!isNamespaceName(spec.getSourceNamespace())) {
            problems.add("spec.sourceNamespace \"" + spec.getSourceNamespace() + "\" is not a valid namespace name");
        }
        var sourceKind = SourceKind.of(spec);
        if (sourceKind.isEmpty()) {
            problems.add("exactly one of spec.sourceConfigMap and spec.sourceSecret must be set");
        } else {
            String name = sourceKind.get().sourceName(spec);
            if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
                problems.add("source name \"" + name + "\" is not a valid object name");
            }
        }
    }

    private static void targetProblems(ConfigMapSyncerSpec spec, List<String> problems) {
        List<String> targets = nullToEmpty(spec.getTargetNamespaces());
        if (targets.isEmpty() && spec.getNamespaceSelector() == null) {
            problems.add("set spec.targetNamespaces, spec.namespaceSelector, or both");
        }
        for (String target : targets) {
            if (target == null || !isNamespaceName(target)) {
                problems.add("spec.targetNamespaces: \"" + target + "\" is not a valid namespace name");
            } else if (target.equals(spec.getSourceNamespace())) {
                problems.add("spec.targetNamespaces: the source namespace \"" + target + "\" cannot be a target");
            }
        }
        if (spec.getNamespaceSelector() != null) {
            LabelSelectors.problems(spec.getNamespaceSelector())
                    .forEach(problem -> problems.add("spec.namespaceSelector." + problem));
        }
    }

    /** The policy of a valid spec: Skip unless it says otherwise. */
    static ConflictPolicy conflictPolicy(ConfigMapSyncerSpec spec) {
        return spec.getConflictPolicy() == null ? ConflictPolicy.Skip : spec.getConflictPolicy();
    }

    private static boolean isNamespaceName(String name) {
        return name.length() <= 63 && DNS_LABEL.matcher(name).matches();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
