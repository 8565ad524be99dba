package io.krmsync.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.client.Config;
import io.krmsync.status.Reason;

/** Reading and vetting remote clusters' kubeconfigs, which are untrusted input. */
class KubeconfigsTest {

    private static final String SERVER = "http://127.0.0.1:16444";
    private static final String ORIGIN = "file ./cluster2.kubeconfig";

    // Fake credentials: fabric8 only decodes them when a client is created.
    private static final String CA_DATA = base64("-----BEGIN CERTIFICATE-----\nkc-test-fake-ca\n-----END CERTIFICATE-----");
    private static final String CERT_DATA = base64(
            "-----BEGIN CERTIFICATE-----\nkc-test-fake-client-cert\n-----END CERTIFICATE-----");
    private static final String KEY_DATA = base64(
            "-----BEGIN RSA PRIVATE KEY-----\nkc-test-fake-client-key\n-----END RSA PRIVATE KEY-----");
    private static final String TOKEN = "kc-test-token-7f3a9c";
    private static final String PASSWORD = "kc-test-password-51d0";
    private static final String EXEC_ARG = "kc-test-exec-arg-0b2e";
    private static final String EXEC_ENV_VALUE = "kc-test-exec-env-93c1";
    private static final String EXEC_TOKEN = "kc-test-exec-token-44aa";
    private static final String CLIENT_SECRET = "kc-test-client-secret-e71d";
    private static final List<String> SECRETS = List.of(CERT_DATA, KEY_DATA, TOKEN, PASSWORD, EXEC_ARG, EXEC_ENV_VALUE,
            EXEC_TOKEN, CLIENT_SECRET);

    private static final String CERTIFICATE_USER = "client-certificate-data: " + CERT_DATA + ", client-key-data: "
            + KEY_DATA;
    private static final String TOKEN_USER = "token: " + TOKEN;
    /** An exec plugin that prints a credential, and carries an argument and an env value that are secrets. */
    private static final String EXEC_USER = "exec: {apiVersion: client.authentication.k8s.io/v1, command: echo, args: ['"
            + execCredential() + "', " + EXEC_ARG + "], env: [{name: SECRET, value: " + EXEC_ENV_VALUE + "}]}";
    private static final String AUTH_PROVIDER_USER = "auth-provider: {name: oidc, config: {client-id: krm-sync,"
            + " client-secret: " + CLIENT_SECRET + ", id-token: " + TOKEN + ", idp-issuer-url: 'https://issuer.example'}}";

    @TempDir
    Path baseDir;

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String execCredential() {
        return "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                + "\"status\":{\"token\":\"" + EXEC_TOKEN + "\"}}";
    }

    /** A kind-like kubeconfig with one context; the cluster fields are appended to its flow mapping. */
    private static String kubeconfig(String extraClusterFields, String userFields) {
        return """
                apiVersion: v1
                kind: Config
                preferences: {}
                current-context: kind-kind
                clusters:
                - name: kind-kind
                  cluster: {server: '%s', certificate-authority-data: %s%s}
                contexts:
                - name: kind-kind
                  context: {cluster: kind-kind, user: kind-kind}
                users:
                - name: kind-kind
                  user: {%s}
                """.formatted(SERVER, CA_DATA, extraClusterFields, userFields);
    }

    private static String multiContextKubeconfig(String currentContextLine) {
        return """
                apiVersion: v1
                kind: Config
                %s
                clusters:
                - name: east
                  cluster: {server: 'https://east.example:6443'}
                - name: west
                  cluster: {server: 'https://west.example:6443'}
                contexts:
                - name: prod-west
                  context: {cluster: west, user: admin}
                - name: prod-east
                  context: {cluster: east, user: admin, namespace: apps}
                users:
                - name: admin
                  user: {token: %s}
                """.formatted(currentContextLine, TOKEN);
    }

    private List<ClusterKubeconfig> parse(String content, KubeconfigPolicy policy) throws InvalidKubeconfigException {
        return Kubeconfigs.parse("cluster2", ORIGIN, content, baseDir, policy);
    }

    private ClusterKubeconfig parseOne(String content, KubeconfigPolicy policy) throws InvalidKubeconfigException {
        List<ClusterKubeconfig> clusters = parse(content, policy);
        assertThat(clusters).hasSize(1);
        return clusters.get(0);
    }

    private InvalidKubeconfigException refusal(String content, KubeconfigPolicy policy) {
        return refusal("cluster2", content, baseDir, policy);
    }

    private static InvalidKubeconfigException refusal(String defaultName, String content, Path baseDir,
            KubeconfigPolicy policy) {
        InvalidKubeconfigException e = catchThrowableOfType(InvalidKubeconfigException.class,
                () -> Kubeconfigs.parse(defaultName, ORIGIN, content, baseDir, policy));
        assertThat(e).as("refused").isNotNull();
        // Neither the message nor a cause (whose message a log would print) may carry credentials.
        assertThat(e.getCause()).isNull();
        assertThat(e.getMessage()).doesNotContain(SECRETS);
        return e;
    }

    @Test
    void kindKubeconfigIsOneClusterNamedAfterTheDefaultName() throws Exception {
        ClusterKubeconfig cluster = parseOne(kubeconfig("", CERTIFICATE_USER), KubeconfigPolicy.strict());

        assertThat(cluster.name()).isEqualTo("cluster2");
        assertThat(cluster.origin()).isEqualTo(ORIGIN);
        Config config = cluster.config();
        assertThat(config.getMasterUrl()).isEqualTo(SERVER + "/");
        assertThat(config.getCaCertData()).isEqualTo(CA_DATA);
        assertThat(config.getClientCertData()).isEqualTo(CERT_DATA);
        assertThat(config.getClientKeyData()).isEqualTo(KEY_DATA);
        assertThat(config.getClientKeyAlgo()).isEqualTo("RSA");
        assertThat(config.getCurrentContext().getName()).isEqualTo("kind-kind");
        assertThat(config.isTrustCerts()).isFalse();
        assertThat(config.getFile()).as("nothing to re-read from disk").isNull();
    }

    @Test
    void tokenKubeconfigCarriesTheToken() throws Exception {
        Config config = parseOne(kubeconfig("", TOKEN_USER), KubeconfigPolicy.strict()).config();

        assertThat(config.getAutoOAuthToken()).isEqualTo(TOKEN);
    }

    @Test
    void severalContextsAreOneClusterEachNamedAfterTheContextInFileOrder() throws Exception {
        for (String currentContext : List.of("current-context: prod-east", "current-context: gone", "")) {
            List<ClusterKubeconfig> clusters = parse(multiContextKubeconfig(currentContext), KubeconfigPolicy.strict());

            assertThat(clusters).extracting(ClusterKubeconfig::name).containsExactly("prod-west", "prod-east");
            assertThat(clusters).extracting(cluster -> cluster.config().getMasterUrl())
                    .containsExactly("https://west.example:6443/", "https://east.example:6443/");
            assertThat(clusters).extracting(cluster -> cluster.config().getNamespace()).containsExactly(null, "apps");
            assertThat(clusters).extracting(cluster -> cluster.config().getAutoOAuthToken()).containsOnly(TOKEN);
        }
    }

    @Test
    void currentContextAloneIsReadAndVettedForASingleClusterReference() throws Exception {
        String withRefusedOther = multiContextKubeconfig("current-context: prod-east")
                .replace("contexts:\n", "contexts:\n- name: risky\n  context: {cluster: east, user: runner}\n")
                .replace("users:\n", "users:\n- name: runner\n  user: {" + EXEC_USER + "}\n");

        ClusterKubeconfig destination = Kubeconfigs.parseCurrentContext("default/destination-kubeconfig", ORIGIN,
                withRefusedOther, KubeconfigPolicy.strict());

        assertThat(destination.name()).isEqualTo("default/destination-kubeconfig");
        assertThat(destination.config().getMasterUrl()).isEqualTo("https://east.example:6443/");
        assertThat(destination.config().getAutoOAuthToken()).isEqualTo(TOKEN);
        InvalidKubeconfigException refused = catchThrowableOfType(InvalidKubeconfigException.class,
                () -> Kubeconfigs.parseCurrentContext("d", ORIGIN,
                        withRefusedOther.replace("current-context: prod-east", "current-context: risky"),
                        KubeconfigPolicy.strict()));
        assertThat(refused.reason()).isEqualTo(Reason.ExecRefused);
        assertThat(refused.getMessage()).doesNotContain(SECRETS);
        InvalidKubeconfigException unset = catchThrowableOfType(InvalidKubeconfigException.class,
                () -> Kubeconfigs.parseCurrentContext("d", ORIGIN, multiContextKubeconfig(""), KubeconfigPolicy.strict()));
        assertThat(unset.reason()).isEqualTo(Reason.NoCurrentContext);
    }

    @Test
    void oneContextMustBeTheCurrentContext() {
        String unset = kubeconfig("", TOKEN_USER).replace("current-context: kind-kind\n", "");
        String dangling = kubeconfig("", TOKEN_USER).replace("current-context: kind-kind", "current-context: other");

        assertThat(refusal(unset, KubeconfigPolicy.strict()).reason()).isEqualTo(Reason.NoCurrentContext);
        InvalidKubeconfigException e = refusal(dangling, KubeconfigPolicy.strict());
        assertThat(e.reason()).isEqualTo(Reason.NoCurrentContext);
        assertThat(e.getMessage()).contains("'other'", "'kind-kind'");
    }

    @Test
    void kubeconfigWithoutContextsIsRefused() {
        String noContexts = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: 'https://c.example'}
                """;

        assertThat(refusal(noContexts, KubeconfigPolicy.strict()).reason()).isEqualTo(Reason.NoContexts);
        assertThat(refusal("apiVersion: v1\nkind: Config\ncontexts: []\n", KubeconfigPolicy.strict()).reason())
                .isEqualTo(Reason.NoContexts);
    }

    static Stream<Arguments> incompleteContexts() {
        String kubeconfig = kubeconfig("", TOKEN_USER);
        return Stream.of(
                Arguments.of("missing cluster", kubeconfig.replace("{cluster: kind-kind,", "{cluster: gone,"), "'gone'"),
                Arguments.of("missing user", kubeconfig.replace("user: kind-kind}", "user: gone}"), "'gone'"),
                Arguments.of("no server", kubeconfig.replace("server: '" + SERVER + "', ", ""), "no server"),
                Arguments.of("empty context", kubeconfig.replace("  context: {cluster: kind-kind, user: kind-kind}\n", ""),
                        "names no cluster"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("incompleteContexts")
    void incompleteContextIsRefused(String label, String content, String explanation) {
        InvalidKubeconfigException e = refusal(content, KubeconfigPolicy.strict());

        assertThat(e.reason()).isEqualTo(Reason.ContextIncomplete);
        assertThat(e.getMessage()).contains("context 'kind-kind'", explanation);
    }

    @Test
    void contextWithoutUserIsAnonymous() throws Exception {
        String anonymous = kubeconfig("", TOKEN_USER).replace("{cluster: kind-kind, user: kind-kind}", "{cluster: kind-kind}");

        Config config = parseOne(anonymous, KubeconfigPolicy.strict()).config();

        assertThat(config.getAutoOAuthToken()).isNull();
        assertThat(config.getMasterUrl()).isEqualTo(SERVER + "/");
    }

    /** Each risky feature: its kubeconfig, the reason it is refused for, and the policy that allows it. */
    static Stream<Arguments> riskyFeatures() {
        KubeconfigPolicy exec = new KubeconfigPolicy(true, false, false, false);
        KubeconfigPolicy authProvider = new KubeconfigPolicy(false, true, false, false);
        KubeconfigPolicy files = new KubeconfigPolicy(false, false, true, false);
        KubeconfigPolicy insecureTls = new KubeconfigPolicy(false, false, false, true);
        return Stream.of(
                Arguments.of("exec", kubeconfig("", EXEC_USER), KubeconfigPolicy.strict(), exec, Reason.ExecRefused,
                        "allow-exec"),
                Arguments.of("auth-provider", kubeconfig("", AUTH_PROVIDER_USER), KubeconfigPolicy.strict(), authProvider,
                        Reason.AuthProviderRefused, "allow-auth-provider"),
                Arguments.of("certificate-authority", kubeconfig(", certificate-authority: ca.crt", TOKEN_USER),
                        KubeconfigPolicy.strict(), files, Reason.FileReferenceRefused, "allow-file-references"),
                Arguments.of("client-certificate", kubeconfig("", "client-certificate: client.crt, client-key-data: "
                        + KEY_DATA), KubeconfigPolicy.strict(), files, Reason.FileReferenceRefused, "allow-file-references"),
                Arguments.of("client-key", kubeconfig("", "client-certificate-data: " + CERT_DATA
                        + ", client-key: client.key"), KubeconfigPolicy.strict(), files, Reason.FileReferenceRefused,
                        "allow-file-references"),
                Arguments.of("tokenFile", kubeconfig("", "tokenFile: token"), KubeconfigPolicy.strict(), files,
                        Reason.FileReferenceRefused, "allow-file-references"),
                Arguments.of("exec command path", kubeconfig("", EXEC_USER.replace("command: echo",
                        "command: ./bin/get-token")), exec, new KubeconfigPolicy(true, false, true, false),
                        Reason.FileReferenceRefused, "allow-file-references"),
                Arguments.of("insecure-skip-tls-verify", kubeconfig(", insecure-skip-tls-verify: true", TOKEN_USER),
                        KubeconfigPolicy.strict(), insecureTls, Reason.InsecureTlsRefused, "allow-insecure-tls"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("riskyFeatures")
    void riskyFeatureIsRefusedWithoutItsOptIn(String label, String content, KubeconfigPolicy without,
            KubeconfigPolicy with, Reason reason, String optIn) {
        InvalidKubeconfigException e = refusal(content, without);

        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains("context 'kind-kind'", "krm-sync.clusters.insecure." + optIn + "=true");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("riskyFeatures")
    void riskyFeatureIsAllowedWithItsOptIn(String label, String content, KubeconfigPolicy without,
            KubeconfigPolicy with, Reason reason, String optIn) throws Exception {
        writeTokenPlugin(); // for the exec command given as a path

        assertThat(parseOne(content, with).config().getMasterUrl()).isEqualTo(SERVER + "/");
    }

    @Test
    void optInsAreIndependent() {
        String execAndInsecure = kubeconfig(", insecure-skip-tls-verify: true", EXEC_USER);

        assertThat(refusal(execAndInsecure, new KubeconfigPolicy(true, true, true, false)).reason())
                .isEqualTo(Reason.InsecureTlsRefused);
        assertThat(refusal(execAndInsecure, new KubeconfigPolicy(false, true, true, true)).reason())
                .isEqualTo(Reason.ExecRefused);
    }

    @Test
    void allowedExecPluginRunsWhileParsing() throws Exception {
        Config config = parseOne(kubeconfig("", EXEC_USER), new KubeconfigPolicy(true, false, false, false)).config();

        assertThat(config.getAutoOAuthToken()).isEqualTo(EXEC_TOKEN);
    }

    @Test
    void relativeExecCommandRunsFromTheKubeconfigsDirectory() throws Exception {
        writeTokenPlugin();
        String content = kubeconfig("", EXEC_USER.replace("command: echo", "command: ./bin/get-token"));

        Config config = parseOne(content, new KubeconfigPolicy(true, false, true, false)).config();

        assertThat(config.getAutoOAuthToken()).isEqualTo(EXEC_TOKEN);
    }

    private void writeTokenPlugin() throws Exception {
        Path plugin = Files.createDirectories(baseDir.resolve("bin")).resolve("get-token");
        Files.writeString(plugin, "#!/bin/sh\necho '" + execCredential() + "'\n");
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void allowedInsecureTlsTrustsAnyCertificate() throws Exception {
        Config config = parseOne(kubeconfig(", insecure-skip-tls-verify: true", TOKEN_USER),
                new KubeconfigPolicy(false, false, false, true)).config();

        assertThat(config.isTrustCerts()).isTrue();
        assertThat(config.isDisableHostnameVerification()).isTrue();
    }

    @Test
    void allowedFileReferencesResolveAgainstTheKubeconfigsDirectory() throws Exception {
        String content = kubeconfig(", certificate-authority: certs/ca.crt",
                "client-certificate: certs/client.crt, client-key: /etc/krm-sync/client.key");

        Config config = parseOne(content, new KubeconfigPolicy(false, false, true, false)).config();

        assertThat(config.getCaCertFile()).isEqualTo(baseDir.resolve("certs/ca.crt").toString());
        assertThat(config.getClientCertFile()).isEqualTo(baseDir.resolve("certs/client.crt").toString());
        assertThat(config.getClientKeyFile()).isEqualTo("/etc/krm-sync/client.key");
    }

    @Test
    void tokenFileIsReadAtEveryRequest() throws Exception {
        Path tokenFile = baseDir.resolve("token");
        Files.writeString(tokenFile, "first-token\n");

        Config config = parseOne(kubeconfig("", "tokenFile: token"), new KubeconfigPolicy(false, false, true, false))
                .config();

        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("first-token");
        Files.writeString(tokenFile, "rotated-token\n");
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("rotated-token");
    }

    @Test
    void relativeFileReferenceWithoutDirectoryIsRefused() throws Exception {
        KubeconfigPolicy files = new KubeconfigPolicy(false, false, true, false);

        InvalidKubeconfigException e = refusal("prod", kubeconfig("", "tokenFile: token"), null, files);

        assertThat(e.reason()).isEqualTo(Reason.FileReferenceRefused);
        assertThat(e.getMessage()).contains("relative tokenFile");
        assertThat(Kubeconfigs.parse("prod", ORIGIN, kubeconfig("", "tokenFile: /var/run/token"), null, files))
                .hasSize(1);
    }

    static Stream<Arguments> malformedKubeconfigs() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("blank", "  \n\n"),
                Arguments.of("only a comment", "# nothing here\n"),
                Arguments.of("a scalar", TOKEN),
                Arguments.of("a list", "- " + TOKEN + "\n"),
                Arguments.of("broken YAML on a token's line", "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: "
                        + TOKEN + ": : [\n"),
                Arguments.of("unterminated flow mapping", "users:\n- name: u\n  user: {token: " + TOKEN + "\n"),
                Arguments.of("wrong type", "apiVersion: v1\nkind: Config\ncontexts: " + TOKEN + "\n"),
                Arguments.of("not a Config", "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {token: "
                        + TOKEN + "}\n"),
                Arguments.of("two documents", "contexts: []\n---\ntoken: " + TOKEN + "\n"),
                Arguments.of("server with a password", kubeconfig("", TOKEN_USER).replace("'" + SERVER + "'",
                        "'https://admin:" + PASSWORD + "@kind.example:6443'")),
                Arguments.of("server without scheme", kubeconfig("", TOKEN_USER).replace("'" + SERVER + "'",
                        "'127.0.0.1:6443'")),
                Arguments.of("unnamed user", kubeconfig("", TOKEN_USER).replace("- name: kind-kind\n  user:", "- user:")),
                Arguments.of("exec without command", kubeconfig("", "exec: {apiVersion: v1, args: [" + EXEC_ARG + "]}")),
                // 40 KB that nest deeper than any parser's stack (issue 13): refused like any other broken kubeconfig.
                Arguments.of("20,000 nested sequences", "[".repeat(20_000)),
                Arguments.of("20,000 nested mappings in a field", "apiVersion: v1\nusers: " + "{a: ".repeat(20_000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedKubeconfigs")
    void malformedKubeconfigIsRefusedWithoutQuotingIt(String label, String content) {
        InvalidKubeconfigException e = refusal(content, new KubeconfigPolicy(true, true, true, true));

        assertThat(e.reason()).isEqualTo(Reason.MalformedKubeconfig);
    }

    @Test
    void yamlErrorSaysWhereOnly() {
        String content = "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: " + TOKEN + ": : [\n";

        assertThat(refusal(content, KubeconfigPolicy.strict()).getMessage()).contains("line 5");
    }

    @Test
    void entryVettedIsTheEntryUsed() {
        // fabric8 uses the last of two clusters with one name: the vetted first one must not hide the second.
        String twoClusters = kubeconfig("", TOKEN_USER).replace("contexts:", """
                - name: kind-kind
                  cluster: {server: 'https://evil.example', insecure-skip-tls-verify: true}
                contexts:""");
        // fabric8 gives a context without a user the user without a name.
        String unnamedUser = kubeconfig("", TOKEN_USER)
                .replace("{cluster: kind-kind, user: kind-kind}", "{cluster: kind-kind}")
                .replace("- name: kind-kind\n  user: {" + TOKEN_USER + "}", "- user: {" + EXEC_USER + "}");

        assertThat(refusal(twoClusters, KubeconfigPolicy.strict()).reason()).isEqualTo(Reason.MalformedKubeconfig);
        assertThat(refusal(unnamedUser, KubeconfigPolicy.strict()).reason()).isEqualTo(Reason.MalformedKubeconfig);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "team/prod", "prod east", "prod\teast", "prod\n" })
    void invalidDefaultNameIsRefused(String name) {
        InvalidKubeconfigException e = refusal(name, kubeconfig("", TOKEN_USER), null, KubeconfigPolicy.strict());

        assertThat(e.reason()).isEqualTo(Reason.InvalidClusterName);
        assertThat(e.getMessage()).doesNotContain("\n");
    }

    @Test
    void clusterNameIsAtMost253Characters() throws Exception {
        String longest = "c".repeat(253);

        assertThat(Kubeconfigs.parse(longest, ORIGIN, kubeconfig("", TOKEN_USER), null, KubeconfigPolicy.strict()))
                .extracting(ClusterKubeconfig::name).containsExactly(longest);
        assertThat(refusal(longest + "c", kubeconfig("", TOKEN_USER), null, KubeconfigPolicy.strict()).reason())
                .isEqualTo(Reason.InvalidClusterName);
    }

    @Test
    void contextNameThatIsNoClusterNameIsRefused() {
        String content = multiContextKubeconfig("").replace("- name: prod-east", "- name: team/prod-east");

        InvalidKubeconfigException e = refusal(content, KubeconfigPolicy.strict());

        assertThat(e.reason()).isEqualTo(Reason.InvalidClusterName);
        assertThat(e.getMessage()).contains("'team/prod-east'", "contains '/'");
    }

    @Test
    void oneRefusedContextRefusesTheWholeKubeconfig() {
        String content = multiContextKubeconfig("").replace("{server: 'https://east.example:6443'}",
                "{server: 'https://east.example:6443', insecure-skip-tls-verify: true}");

        InvalidKubeconfigException e = refusal(content, KubeconfigPolicy.strict());

        assertThat(e.reason()).isEqualTo(Reason.InsecureTlsRefused);
        assertThat(e.getMessage()).contains("context 'prod-east'", "cluster 'east'");
    }

    @Test
    void toStringShowsNoCredentials() throws Exception {
        for (String user : List.of(TOKEN_USER, CERTIFICATE_USER)) {
            ClusterKubeconfig cluster = parseOne(kubeconfig("", user), KubeconfigPolicy.strict());

            assertThat(cluster.toString()).contains("cluster2", ORIGIN, SERVER).doesNotContain(SECRETS);
        }
    }

    @Test
    void fingerprintFollowsTheContent() throws Exception {
        String content = kubeconfig("", TOKEN_USER);
        String fingerprint = parseOne(content, KubeconfigPolicy.strict()).fingerprint();

        assertThat(fingerprint).matches("[0-9a-f]{64}").doesNotContain(TOKEN);
        assertThat(parseOne(content, KubeconfigPolicy.strict()).fingerprint()).isEqualTo(fingerprint);
        assertThat(parseOne(content.replace(TOKEN, TOKEN + "x"), KubeconfigPolicy.strict()).fingerprint())
                .isNotEqualTo(fingerprint);
        assertThat(parse(multiContextKubeconfig(""), KubeconfigPolicy.strict()))
                .extracting(ClusterKubeconfig::fingerprint).doesNotHaveDuplicates();
    }

    @Test
    void environmentDoesNotLeakIntoTheConfig() throws Exception {
        Path otherKubeconfig = Files.writeString(baseDir.resolve("other-kubeconfig"),
                multiContextKubeconfig("current-context: prod-east").replace(TOKEN, "leaked-kubeconfig-token"));
        Map<String, String> properties = Map.of(
                "kubeconfig", otherKubeconfig.toString(),
                "kubernetes.master", "https://leaked.example:6443",
                "kubernetes.auth.token", "leaked-token",
                "kubernetes.namespace", "leaked-namespace",
                "kubernetes.trust.certificates", "true",
                "kubernetes.certs.client.key.algo", "EC");
        Map<String, String> previous = new HashMap<>();
        properties.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        try {
            Config config = parseOne(kubeconfig("", CERTIFICATE_USER), KubeconfigPolicy.strict()).config();

            assertThat(config.getMasterUrl()).isEqualTo(SERVER + "/");
            assertThat(config.getAutoOAuthToken()).isNull();
            assertThat(config.getOauthToken()).isNull();
            assertThat(config.getNamespace()).isNull();
            assertThat(config.isTrustCerts()).isFalse();
            assertThat(config.getClientKeyAlgo()).isEqualTo("RSA");
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    @Test
    void clusterNameOfAFileDropsItsLastExtension() {
        assertThat(Kubeconfigs.clusterNameOf(Path.of("clusters.d/cluster2.kubeconfig"))).isEqualTo("cluster2");
        assertThat(Kubeconfigs.clusterNameOf(Path.of("prod.yaml"))).isEqualTo("prod");
        assertThat(Kubeconfigs.clusterNameOf(Path.of("prod"))).isEqualTo("prod");
        assertThat(Kubeconfigs.clusterNameOf(Path.of("prod.eu.yaml"))).isEqualTo("prod.eu");
    }

    @Test
    void strictPolicyAllowsNothing() {
        assertThat(KubeconfigPolicy.strict()).isEqualTo(new KubeconfigPolicy(false, false, false, false));
    }

    @Test
    void parsedConfigsAreIndependent() throws Exception {
        List<ClusterKubeconfig> clusters = parse(multiContextKubeconfig(""), KubeconfigPolicy.strict());

        assertThatThrownBy(() -> clusters.add(clusters.get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(clusters.get(0).config()).isNotSameAs(clusters.get(1).config());
        assertThat(clusters.get(0).config().getCurrentContext())
                .isNotSameAs(clusters.get(1).config().getCurrentContext());
    }
}
