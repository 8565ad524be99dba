package io.krmsync.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersions;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.RootPaths;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;

/**
 * The legacy discovery documents ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<group>/<version>})
 * that kubectl needs before it can do anything, for a fixed set of built-in kinds plus every CRD stored in the
 * server. fabric8's mock answers none of them usefully.
 */
final class ApiDiscovery {

    static final List<ServedResource> BUILT_IN = List.of(
            core("namespaces", "Namespace", false, List.of("ns"), true),
            core("configmaps", "ConfigMap", true, List.of("cm"), false),
            core("secrets", "Secret", true, List.of(), false),
            core("events", "Event", true, List.of("ev"), false),
            core("services", "Service", true, List.of("svc"), true),
            core("serviceaccounts", "ServiceAccount", true, List.of("sa"), false),
            core("pods", "Pod", true, List.of("po"), true),
            core("persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), true),
            core("persistentvolumes", "PersistentVolume", false, List.of("pv"), true),
            new ServedResource("apps", "v1", "deployments", "deployment", "Deployment", true, List.of("deploy"), true),
            new ServedResource("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, List.of("sts"), true),
            new ServedResource("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, List.of("ds"), true),
            new ServedResource("batch", "v1", "jobs", "job", "Job", true, List.of(), true),
            new ServedResource("batch", "v1", "cronjobs", "cronjob", "CronJob", true, List.of("cj"), true),
            new ServedResource("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, List.of("ing"), true),
            new ServedResource("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true,
                    List.of("netpol"), false),
            new ServedResource("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, List.of(), false),
            new ServedResource("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true,
                    List.of(), false),
            new ServedResource("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false,
                    List.of(), false),
            new ServedResource("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
                    "ClusterRoleBinding", false, List.of(), false),
            new ServedResource("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, List.of(), false),
            new ServedResource("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
                    "CustomResourceDefinition", false, List.of("crd", "crds"), true),
            new ServedResource("events.k8s.io", "v1", "events", "event", "Event", true, List.of("ev"), false));

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");
    private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");
    private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

    private ApiDiscovery() {
    }

    /** The resources the served versions of the given CRDs add to the built-in ones. */
    static List<ServedResource> servedResources(List<CustomResourceDefinition> crds) {
        List<ServedResource> served = new ArrayList<>(BUILT_IN);
        for (CustomResourceDefinition crd : crds) {
            var spec = crd.getSpec();
            for (CustomResourceDefinitionVersion version : spec.getVersions()) {
                if (Boolean.TRUE.equals(version.getServed())) {
                    served.add(new ServedResource(spec.getGroup(), version.getName(), spec.getNames().getPlural(),
                            spec.getNames().getSingular(), spec.getNames().getKind(),
                            "Namespaced".equals(spec.getScope()),
                            spec.getNames().getShortNames() == null ? List.of() : spec.getNames().getShortNames(),
                            version.getSubresources() != null && version.getSubresources().getStatus() != null));
                }
            }
        }
        return served;
    }

    static APIVersions apiVersions(String serverAddress) {
        return new APIVersionsBuilder()
                .withVersions("v1")
                .addNewServerAddressByClientCIDR("0.0.0.0/0", serverAddress)
                .build();
    }

    static APIGroupList apiGroups(List<ServedResource> served) {
        Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
        served.stream()
                .filter(resource -> !resource.group().isEmpty())
                .forEach(resource -> {
                    List<String> versions = versionsByGroup.computeIfAbsent(resource.group(), group -> new ArrayList<>());
                    if (!versions.contains(resource.version())) {
                        versions.add(resource.version());
                    }
                });
        List<APIGroup> groups = new ArrayList<>();
        versionsByGroup.forEach((group, versions) -> {
            List<GroupVersionForDiscovery> ordered = versions.stream()
                    .sorted(ApiDiscovery::compareKubeAware)
                    .map(version -> new GroupVersionForDiscovery(group + "/" + version, version))
                    .toList();
            groups.add(new APIGroupBuilder()
                    .withName(group)
                    .withVersions(ordered)
                    .withPreferredVersion(ordered.get(0))
                    .build());
        });
        return new APIGroupListBuilder().withGroups(groups).build();
    }

    /** The resources of one group version; empty when the server serves nothing there (a 404 on a real server). */
    static Optional<APIResourceList> apiResources(String group, String version, List<ServedResource> served) {
        List<ServedResource> inGroupVersion = served.stream()
                .filter(resource -> resource.group().equals(group) && resource.version().equals(version))
                .toList();
        if (inGroupVersion.isEmpty()) {
            return Optional.empty();
        }
        List<APIResource> resources = new ArrayList<>();
        for (ServedResource resource : inGroupVersion) {
            resources.add(new APIResourceBuilder()
                    .withName(resource.plural())
                    .withSingularName(resource.singular())
                    .withNamespaced(resource.namespaced())
                    .withKind(resource.kind())
                    .withVerbs(VERBS)
                    .withShortNames(resource.shortNames().isEmpty() ? null : resource.shortNames())
                    .build());
            if (resource.statusSubresource()) {
                resources.add(new APIResourceBuilder()
                        .withName(resource.plural() + "/status")
                        .withSingularName("")
                        .withNamespaced(resource.namespaced())
                        .withKind(resource.kind())
                        .withVerbs(STATUS_VERBS)
                        .build());
            }
        }
        return Optional.of(new APIResourceListBuilder()
                .withGroupVersion(inGroupVersion.get(0).groupVersion())
                .withResources(resources)
                .build());
    }

    static RootPaths rootPaths(List<ServedResource> served) {
        List<String> paths = new ArrayList<>(List.of("/api", "/api/v1", "/apis", "/version"));
        served.stream()
                .filter(resource -> !resource.group().isEmpty())
                .flatMap(resource -> Stream.of("/apis/" + resource.group(), "/apis/" + resource.groupVersion()))
                .distinct()
                .forEach(paths::add);
        return new RootPaths(paths.stream().sorted().toList());
    }

    /**
     * Orders versions as Kubernetes does when it picks a group's preferred version: GA before beta before alpha,
     * higher numbers first, anything not shaped like a Kubernetes version last and alphabetically.
     */
    static int compareKubeAware(String left, String right) {
        Matcher l = KUBE_VERSION.matcher(left);
        Matcher r = KUBE_VERSION.matcher(right);
        boolean leftKube = l.matches();
        boolean rightKube = r.matches();
        if (!leftKube || !rightKube) {
            return leftKube ? -1 : rightKube ? 1 : left.compareTo(right);
        }
        return Comparator.<Matcher> comparingInt(m -> stability(m.group(2)))
                .thenComparingInt(m -> Integer.parseInt(m.group(1)))
                .thenComparingInt(m -> m.group(3) == null ? 0 : Integer.parseInt(m.group(3)))
                .reversed()
                .compare(l, r);
    }

    private static int stability(String qualifier) {
        return qualifier == null ? 2 : "beta".equals(qualifier) ? 1 : 0;
    }

    private static ServedResource core(String plural, String kind, boolean namespaced, List<String> shortNames,
            boolean statusSubresource) {
        return new ServedResource("", "v1", plural, kind.toLowerCase(), kind, namespaced, shortNames, statusSubresource);
    }
}
