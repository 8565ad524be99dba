package io.krmsync.clusters;


import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import com.fasterxml.jackson.databind.JsonMappingException;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import io.fabric8.kubernetes.client.internal.CertUtils;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.krmsync.status.Reason;
import io.krmsync.sync.Digests;

/**
 * Reads the kubeconfigs of remote clusters. They are untrusted input (they can come from Secrets): features that run
 * a command, read the operator's files or skip TLS verification are refused unless the policy opts in, and each
 * cluster's client Config is built from the kubeconfig alone, never from this machine's environment.
 */
public final class Kubeconfigs {

    // The settings behind KubeconfigPolicy (ClustersConfig.Insecure), so that a refusal says what would allow it.
    private static final String ALLOW_EXEC = "krm-sync.clusters.insecure.allow-exec";
    private static final String ALLOW_AUTH_PROVIDER = "krm-sync.clusters.insecure.allow-auth-provider";
    private static final String ALLOW_FILE_REFERENCES = "krm-sync.clusters.insecure.allow-file-references";
    private static final String ALLOW_INSECURE_TLS = "krm-sync.clusters.insecure.allow-insecure-tls";

    private static final int MAX_CLUSTER_NAME_LENGTH = 253;
    private static final int MAX_QUOTED_LENGTH = 64;

    /** A context that becomes a cluster, and the cluster's name. */
    private record ClusterContext(String clusterName, NamedContext context) {
    }

    /** A bearer token read from a file at every request, so that a rotated token is used, as kubectl does. */
    private record TokenFile(Path path) implements OAuthTokenProvider {

        @Override
        public String getToken() {
            try {
                return Files.readString(path).trim();
            } catch (IOException e) {
                throw new KubernetesClientException("Cannot read the tokenFile " + path, e);
            }
        }
    }

    private Kubeconfigs() {
    }

    /**
     * Reads a kubeconfig with one context into one cluster named {@code defaultName}, and a kubeconfig with several
     * contexts into one cluster per context, named after it, in file order. Every such context is vetted against the
     * policy; one refused context refuses the whole kubeconfig.
     *
     * @param origin where the kubeconfig came from, for people; see {@link ClusterKubeconfig#origin()}
     * @param baseDir the directory relative file references resolve against; null if the kubeconfig has none (a Secret)
     */
    public static List<ClusterKubeconfig> parse(String defaultName, String origin, String content, Path baseDir,
            KubeconfigPolicy policy) throws InvalidKubeconfigException {
        Config kubeconfig = read(content);
        checkEntryNames(kubeconfig);
        List<ClusterContext> clusterContexts = clusterContexts(defaultName, kubeconfig);
        for (ClusterContext clusterContext : clusterContexts) {
            vet(kubeconfig, clusterContext.context(), baseDir, policy);
        }
        List<ClusterKubeconfig> clusters = new ArrayList<>();
        for (ClusterContext clusterContext : clusterContexts) {
            String contextName = clusterContext.context().getName();
            clusters.add(new ClusterKubeconfig(clusterContext.clusterName(), origin, fingerprint(content, contextName),
                    clientConfig(content, contextName, baseDir)));
        }
        return List.copyOf(clusters);
    }

    /**
     * Reads the cluster a kubeconfig's current-context names, as kubectl would use it, into a cluster named
     * {@code name}; the other contexts are neither vetted nor used. For references to one cluster (a KRMSyncer's
     * destination), where a kubeconfig exported without {@code --minify} may list contexts the user never meant.
     */
    public static ClusterKubeconfig parseCurrentContext(String name, String origin, String content,
            KubeconfigPolicy policy) throws InvalidKubeconfigException {
        Config kubeconfig = read(content);
        checkEntryNames(kubeconfig);
        String current = kubeconfig.getCurrentContext();
        if (current == null || current.isEmpty()) {
            throw new InvalidKubeconfigException(Reason.NoCurrentContext, "current-context is not set");
        }
        NamedContext context = find(kubeconfig.getContexts(), NamedContext::getName, current);
        if (context == null) {
            throw new InvalidKubeconfigException(Reason.NoCurrentContext,
                    "current-context names " + quoted(current) + ", which is not a context of the kubeconfig");
        }
        vet(kubeconfig, context, null, policy);
        return new ClusterKubeconfig(name, origin, fingerprint(content, current), clientConfig(content, current, null));
    }

    /** The file's name without its last extension: {@code cluster2.kubeconfig} is cluster {@code cluster2}. */
    public static String clusterNameOf(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    private static Config read(String content) throws InvalidKubeconfigException {
        if (content == null || content.isBlank()) {
            throw malformed("the kubeconfig is empty");
        }
        Config kubeconfig;
        try {
            kubeconfig = KubeConfigUtils.parseConfigFromString(content);
        } catch (RuntimeException e) {
            throw malformed(parseFailure(e));
        } catch (StackOverflowError e) {
            // The YAML parser and the binding recurse once per nesting level, and a few kilobytes of brackets nest
            // deeper than any thread's stack. The error unwinds the parse alone, which holds no shared state: refused
            // here, it is one more broken kubeconfig, instead of an Error that escapes every handler above.
            throw malformed("not a kubeconfig: nested deeper than a kubeconfig ever is");
        }
        if (kubeconfig == null) {
            throw malformed("the kubeconfig is empty");
        }
        if (kubeconfig.getKind() != null && !"Config".equals(kubeconfig.getKind())) {
            throw malformed("not a kubeconfig: its kind is " + quoted(kubeconfig.getKind()) + ", not 'Config'");
        }
        return kubeconfig;
    }

    // Parser messages quote the offending line, which may hold a credential: say where the problem is, never what.
    private static String parseFailure(RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYamlEngineException yaml && yaml.getProblemMark().isPresent()) {
                Mark mark = yaml.getProblemMark().get();
                return "not valid YAML at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            }
            if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
                return "not a kubeconfig: unexpected value at " + printable(fieldPath(mapping.getPath()));
            }
        }
        return "not a kubeconfig";
    }

    private static String fieldPath(List<JsonMappingException.Reference> path) {
        StringBuilder text = new StringBuilder();
        for (JsonMappingException.Reference step : path) {
            if (step.getFieldName() != null) {
                text.append(text.isEmpty() ? "" : ".").append(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                text.append('[').append(step.getIndex()).append(']');
            }
        }
        return text.toString();
    }

    // fabric8 uses the last of several entries with one name, or an unnamed user for a context without a user:
    // the entry vetted must be the one used.
    private static void checkEntryNames(Config kubeconfig) throws InvalidKubeconfigException {
        checkNames("context", kubeconfig.getContexts(), NamedContext::getName);
        checkNames("cluster", kubeconfig.getClusters(), NamedCluster::getName);
        checkNames("user", kubeconfig.getUsers(), NamedAuthInfo::getName);
    }

    private static <T> void checkNames(String kind, List<T> entries, Function<T, String> nameOf)
            throws InvalidKubeconfigException {
        Set<String> seen = new HashSet<>();
        for (T entry : orEmpty(entries)) {
            if (entry == null) {
                throw malformed("the kubeconfig has an empty " + kind + " entry");
            }
            String name = nameOf.apply(entry);
            if (name == null || name.isEmpty()) {
                throw malformed("a " + kind + " of the kubeconfig has no name");
            }
            if (!seen.add(name)) {
                throw malformed("more than one " + kind + " is named " + quoted(name));
            }
        }
    }

    private static List<ClusterContext> clusterContexts(String defaultName, Config kubeconfig)
            throws InvalidKubeconfigException {
        List<NamedContext> contexts = orEmpty(kubeconfig.getContexts());
        if (contexts.isEmpty()) {
            throw new InvalidKubeconfigException(Reason.NoContexts, "the kubeconfig defines no contexts");
        }
        if (contexts.size() == 1) {
            // As with kubectl, a kubeconfig whose current-context is unset or dangling does not pick a context.
            String only = contexts.get(0).getName();
            String current = kubeconfig.getCurrentContext();
            if (current == null || current.isEmpty()) {
                throw new InvalidKubeconfigException(Reason.NoCurrentContext,
                        "current-context is not set; set it to the kubeconfig's only context " + quoted(only));
            }
            if (!current.equals(only)) {
                throw new InvalidKubeconfigException(Reason.NoCurrentContext, "current-context names " + quoted(current)
                        + ", which is not a context of the kubeconfig; its only context is " + quoted(only));
            }
            return List.of(new ClusterContext(validClusterName(defaultName, ""), contexts.get(0)));
        }
        List<ClusterContext> clusterContexts = new ArrayList<>();
        for (NamedContext context : contexts) {
            clusterContexts.add(new ClusterContext(validClusterName(context.getName(),
                    " (a kubeconfig with several contexts names each cluster after its context)"), context));
        }
        return clusterContexts;
    }

    private static String validClusterName(String name, String why) throws InvalidKubeconfigException {
        String problem;
        if (name == null || name.isEmpty()) {
            problem = "is empty";
        } else if (name.length() > MAX_CLUSTER_NAME_LENGTH) {
            problem = "is longer than " + MAX_CLUSTER_NAME_LENGTH + " characters";
        } else if (name.contains("/")) {
            problem = "contains '/'";
        } else if (name.chars().anyMatch(Character::isWhitespace)) {
            problem = "contains whitespace";
        } else {
            return name;
        }
        throw new InvalidKubeconfigException(Reason.InvalidClusterName, "cluster name " + quoted(name) + " " + problem + why);
    }

    private static void vet(Config kubeconfig, NamedContext namedContext, Path baseDir, KubeconfigPolicy policy)
            throws InvalidKubeconfigException {
        String where = "context " + quoted(namedContext.getName());
        Context context = namedContext.getContext();
        if (context == null) {
            throw new InvalidKubeconfigException(Reason.ContextIncomplete, where + " names no cluster");
        }
        NamedCluster cluster = find(kubeconfig.getClusters(), NamedCluster::getName, context.getCluster());
        if (cluster == null || cluster.getCluster() == null) {
            throw new InvalidKubeconfigException(Reason.ContextIncomplete,
                    where + " names cluster " + quoted(context.getCluster()) + ", which the kubeconfig does not define");
        }
        vetCluster(where + ": cluster " + quoted(cluster.getName()), cluster.getCluster(), baseDir, policy);
        if (context.getUser() == null || context.getUser().isEmpty()) {
            return; // no user: anonymous requests
        }
        NamedAuthInfo user = find(kubeconfig.getUsers(), NamedAuthInfo::getName, context.getUser());
        if (user == null || user.getUser() == null) {
            throw new InvalidKubeconfigException(Reason.ContextIncomplete,
                    where + " names user " + quoted(context.getUser()) + ", which the kubeconfig does not define");
        }
        vetUser(where + ": user " + quoted(user.getName()), user.getUser(), baseDir, policy);
    }

    private static void vetCluster(String where, Cluster cluster, Path baseDir, KubeconfigPolicy policy)
            throws InvalidKubeconfigException {
        if (cluster.getServer() == null || cluster.getServer().isBlank()) {
            throw new InvalidKubeconfigException(Reason.ContextIncomplete, where + " has no server");
        }
        // The server URL is shown in logs (ClusterKubeconfig.toString), so it must not carry a password either.
        if (!isHttpUrlWithoutUserInfo(cluster.getServer())) {
            throw malformed(where + " has a server that is not an http(s) URL without user info");
        }
        if (Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify()) && !policy.allowInsecureTls()) {
            throw refused(Reason.InsecureTlsRefused, where + " sets insecure-skip-tls-verify: true, so the server's"
                    + " certificate would not be checked", ALLOW_INSECURE_TLS);
        }
        vetFileReference(where, "certificate-authority", cluster.getCertificateAuthority(), baseDir, policy);
    }

    private static void vetUser(String where, AuthInfo user, Path baseDir, KubeconfigPolicy policy)
            throws InvalidKubeconfigException {
        if (user.getExec() != null) {
            if (!policy.allowExec()) {
                throw refused(Reason.ExecRefused, where + " runs a command to get credentials (exec)", ALLOW_EXEC);
            }
            String command = user.getExec().getCommand();
            if (command == null || command.isBlank()) {
                throw malformed(where + " has an exec entry without a command");
            }
            if (isPath(command)) {
                vetFileReference(where, "exec command", command, baseDir, policy);
            }
        }
        if (user.getAuthProvider() != null && !policy.allowAuthProvider()) {
            throw refused(Reason.AuthProviderRefused,
                    where + " uses auth-provider " + quoted(user.getAuthProvider().getName()), ALLOW_AUTH_PROVIDER);
        }
        vetFileReference(where, "client-certificate", user.getClientCertificate(), baseDir, policy);
        vetFileReference(where, "client-key", user.getClientKey(), baseDir, policy);
        vetFileReference(where, "tokenFile", user.getTokenFile(), baseDir, policy);
    }

    private static void vetFileReference(String where, String field, String path, Path baseDir,
            KubeconfigPolicy policy) throws InvalidKubeconfigException {
        if (path == null || path.isEmpty()) {
            return;
        }
        if (!policy.allowFileReferences()) {
            throw refused(Reason.FileReferenceRefused,
                    where + " reads its " + field + " from a file of the operator's filesystem", ALLOW_FILE_REFERENCES);
        }
        Path file;
        try {
            file = Path.of(path);
        } catch (InvalidPathException e) {
            throw malformed(where + " has a " + field + " that is not a valid path");
        }
        if (!file.isAbsolute() && baseDir == null) {
            throw new InvalidKubeconfigException(Reason.FileReferenceRefused, where + " has a relative " + field
                    + " path, and this kubeconfig has no directory to resolve it against; use an absolute path");
        }
    }

    private static io.fabric8.kubernetes.client.Config clientConfig(String content, String contextName, Path baseDir)
            throws InvalidKubeconfigException {
        // A model of its own for every Config: the path resolution and merge below change it.
        Config kubeconfig = KubeConfigUtils.parseConfigFromString(content);
        Context context = find(kubeconfig.getContexts(), NamedContext::getName, contextName).getContext();
        Cluster cluster = find(kubeconfig.getClusters(), NamedCluster::getName, context.getCluster()).getCluster();
        NamedAuthInfo namedUser = find(kubeconfig.getUsers(), NamedAuthInfo::getName, context.getUser());
        AuthInfo user = namedUser == null ? null : namedUser.getUser();
        resolveFileReferences(cluster, user, baseDir);

        // Config.empty() and merge read the kubeconfig only. Config.fromKubeconfig(context, contents, path) would then
        // apply kubernetes.* system properties and KUBERNETES_* variables (master URL, token, namespace, ...).
        io.fabric8.kubernetes.client.Config config = io.fabric8.kubernetes.client.Config.empty();
        try {
            KubeConfigUtils.merge(config, contextName, kubeconfig); // runs an exec plugin, which policy allowed
        } catch (KubernetesClientException e) {
            Throwable failure = e.getCause() != null ? e.getCause() : e;
            throw new InvalidKubeconfigException(Reason.ExecFailed, "context " + quoted(contextName)
                    + ": the exec credential plugin could not be run (" + failure.getClass().getSimpleName() + ")");
        }
        // merge lets the kubernetes.certs.client.key.algo property or variable override the key's own algorithm.
        config.setClientKeyAlgo(keyAlgorithm(config.getClientKeyData(), config.getClientKeyFile()));
        if (user != null && user.getTokenFile() != null && !user.getTokenFile().isEmpty()) {
            config.setOauthTokenProvider(new TokenFile(Path.of(user.getTokenFile()))); // merge ignores tokenFile
        }
        return config;
    }

    // As kubectl does: relative paths are relative to the kubeconfig's directory, not the operator's working directory.
    private static void resolveFileReferences(Cluster cluster, AuthInfo user, Path baseDir) {
        cluster.setCertificateAuthority(resolved(baseDir, cluster.getCertificateAuthority()));
        if (user == null) {
            return;
        }
        user.setClientCertificate(resolved(baseDir, user.getClientCertificate()));
        user.setClientKey(resolved(baseDir, user.getClientKey()));
        user.setTokenFile(resolved(baseDir, user.getTokenFile()));
        if (user.getExec() != null && isPath(user.getExec().getCommand())) {
            user.getExec().setCommand(resolved(baseDir, user.getExec().getCommand()));
        }
    }

    private static String resolved(Path baseDir, String path) {
        if (path == null || path.isEmpty() || baseDir == null) {
            return path;
        }
        return baseDir.toAbsolutePath().resolve(path).normalize().toString();
    }

    private static String keyAlgorithm(String keyData, String keyFile) {
        if (keyData == null && keyFile == null) {
            return null;
        }
        try {
            return io.fabric8.kubernetes.client.Config.getKeyAlgorithm(
                    CertUtils.getInputStreamFromDataOrFile(keyData, keyFile));
        } catch (IOException e) {
            return null; // as in merge: the client then assumes RSA, and fails on the key itself if it cannot read it
        }
    }

    private static String fingerprint(String content, String contextName) {
        return Digests.sha256Hex(content + '\0' + contextName, 32);
    }

    /** A command given as a path rather than looked up on the PATH. */
    private static boolean isPath(String command) {
        return command != null && command.contains("/");
    }

    private static boolean isHttpUrlWithoutUserInfo(String server) {
        try {
            URI uri = new URI(server);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static <T> T find(List<T> entries, Function<T, String> nameOf, String name) {
        return orEmpty(entries).stream().filter(entry -> Objects.equals(nameOf.apply(entry), name)).findFirst()
                .orElse(null);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static InvalidKubeconfigException malformed(String problem) {
        return new InvalidKubeconfigException(Reason.MalformedKubeconfig, problem);
    }

    private static InvalidKubeconfigException refused(Reason reason, String problem, String optIn) {
        return new InvalidKubeconfigException(reason, problem + "; set " + optIn + "=true to allow it");
    }

    // Names come from untrusted input: keep them on one line and short in messages and logs.
    private static String quoted(String name) {
        return "'" + printable(name) + "'";
    }

    private static String printable(String text) {
        String oneLine = String.valueOf(text).replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > MAX_QUOTED_LENGTH ? oneLine.substring(0, MAX_QUOTED_LENGTH) + "..." : oneLine;
    }
}
