package io.krmsync.tenancy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamRef;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krmsync.testing.Manifest;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.Program;

/**
 * The ValidatingAdmissionPolicies of {@code kubernetes/admission/} and their bindings, evaluated as a Kubernetes 1.30+
 * API server evaluates them, with CEL for Java and the CEL string extension Kubernetes enables: a binding's policy
 * applies to a request whose group, resource and operation its matchConstraints name, once all its matchConditions
 * hold; its variables are evaluated in order, then its validations, with {@code object}, {@code oldObject},
 * {@code params} (the ConfigMap the binding's paramRef names), {@code request} and {@code variables} bound; a failed
 * validation is a denial or a warning as the binding's validationActions say. Every expression is compiled when the
 * files are read, and one that does not compile, fails to evaluate or gives the wrong type fails the test: on a real API
 * server it would refuse every request it meets (failurePolicy: Fail).
 */
final class ShippedAdmissionPolicies {

    static final Path DIRECTORY = Path.of("..", "kubernetes", "admission");
    static final Path POLICIES = DIRECTORY.resolve("tenant-syncers.yml");
    static final Path PARAMS = DIRECTORY.resolve("trusted-namespaces.yml");
    static final String TRUSTED_NAMESPACES_KEY = "trusted-namespaces";
    /** What the API server answers when a binding's paramRef finds nothing and its parameterNotFoundAction is Deny. */
    static final String NO_PARAMS = "no params found for policy binding with `Deny` parameterNotFoundAction";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings())
            .addVar("object", SimpleType.DYN)
            .addVar("oldObject", SimpleType.DYN)
            .addVar("params", SimpleType.DYN)
            .addVar("request", SimpleType.DYN)
            .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();

    /** What {@code kubectl apply} reports: the denials (the request fails) and the warnings it prints. */
    record Verdict(List<String> denials, List<String> warnings) {
    }

    private final List<ValidatingAdmissionPolicy> policies;
    private final List<ValidatingAdmissionPolicyBinding> bindings;
    private final List<ConfigMap> params;
    private final Map<String, Program> programs = new HashMap<>();

    private ShippedAdmissionPolicies(List<HasMetadata> objects, List<ConfigMap> params) {
        this.policies = objects.stream().filter(ValidatingAdmissionPolicy.class::isInstance)
                .map(ValidatingAdmissionPolicy.class::cast).toList();
        this.bindings = objects.stream().filter(ValidatingAdmissionPolicyBinding.class::isInstance)
                .map(ValidatingAdmissionPolicyBinding.class::cast).toList();
        this.params = params;
        policies.forEach(this::compile);
    }

    /** The policy file and the ConfigMap file as they ship. */
    static ShippedAdmissionPolicies shipped() {
        return new ShippedAdmissionPolicies(read(POLICIES), read(PARAMS).stream().map(ConfigMap.class::cast).toList());
    }

    static List<HasMetadata> read(Path file) {
        try {
            Object parsed = SERIALIZATION.unmarshal(Files.readString(file));
            return parsed instanceof List<?> list ? list.stream().map(HasMetadata.class::cast).toList()
                    : List.of((HasMetadata) parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<ValidatingAdmissionPolicy> policies() {
        return policies;
    }

    List<ValidatingAdmissionPolicyBinding> bindings() {
        return bindings;
    }

    /** As after {@code kubectl edit configmap}: the shipped ConfigMap with its list of trusted namespaces replaced. */
    ShippedAdmissionPolicies trusting(String trustedNamespaces) {
        return withParams(params.stream().map(map -> new ConfigMapBuilder(map)
                .addToData(TRUSTED_NAMESPACES_KEY, trustedNamespaces).build()).toList());
    }

    /** As after {@code kubectl edit configmap}: the shipped ConfigMap without the trusted-namespaces key. */
    ShippedAdmissionPolicies withoutTrustedNamespaces() {
        return withParams(params.stream().map(map -> new ConfigMapBuilder(map)
                .removeFromData(TRUSTED_NAMESPACES_KEY).build()).toList());
    }

    /** As after {@code kubectl delete configmap}. */
    ShippedAdmissionPolicies withoutParams() {
        return withParams(List.of());
    }

    /** {@code kubectl apply} of a new syncer, in the namespace its manifest names. */
    Verdict create(Manifest<?> syncer) {
        return admit("CREATE", syncer, null);
    }

    /** {@code kubectl apply} of a changed syncer over the one stored. */
    Verdict update(Manifest<?> stored, Manifest<?> changed) {
        return admit("UPDATE", changed, stored);
    }

    private ShippedAdmissionPolicies withParams(List<ConfigMap> changed) {
        List<HasMetadata> objects = new ArrayList<>(policies);
        objects.addAll(bindings);
        return new ShippedAdmissionPolicies(objects, changed);
    }

    private Verdict admit(String operation, Manifest<?> syncer, Manifest<?> stored) {
        Map<String, Object> request = request(operation, syncer.object());
        Map<String, Object> activation = new HashMap<>();
        activation.put("object", celValue(SERIALIZATION.unmarshal(syncer.toString(), JsonNode.class)));
        activation.put("oldObject", stored == null ? NullValue.NULL_VALUE
                : celValue(SERIALIZATION.unmarshal(stored.toString(), JsonNode.class)));
        activation.put("request", request);
        List<String> denials = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (ValidatingAdmissionPolicyBinding binding : bindings) {
            ValidatingAdmissionPolicy policy = policy(binding.getSpec().getPolicyName());
            if (!matches(policy, request)) {
                continue;
            }
            ParamRef ref = binding.getSpec().getParamRef();
            Optional<ConfigMap> param = param(ref);
            if (param.isEmpty()) {
                if ("Deny".equals(ref.getParameterNotFoundAction())) {
                    denials.add(NO_PARAMS);
                }
                continue;
            }
            activation.put("params", celValue(SERIALIZATION.convertValue(param.get(), JsonNode.class)));
            List<String> failures = failedValidations(policy, activation);
            List<String> actions = binding.getSpec().getValidationActions();
            (actions.contains("Deny") ? denials : warnings).addAll(failures);
        }
        return new Verdict(denials, warnings);
    }

    private List<String> failedValidations(ValidatingAdmissionPolicy policy, Map<String, Object> activation) {
        Map<String, Object> variables = new LinkedHashMap<>();
        activation.put("variables", variables);
        String name = policy.getMetadata().getName();
        boolean applies = policy.getSpec().getMatchConditions().stream()
                .allMatch(condition -> evaluate(name, condition.getExpression(), activation, Boolean.class));
        if (!applies) {
            return List.of();
        }
        policy.getSpec().getVariables().forEach(variable -> variables.put(variable.getName(),
                evaluate(name, variable.getExpression(), activation, Object.class)));
        List<String> failures = new ArrayList<>();
        policy.getSpec().getValidations().stream()
                .filter(validation -> !evaluate(name, validation.getExpression(), activation, Boolean.class))
                .forEach(validation -> failures.add(validation.getMessageExpression() == null
                        ? validation.getMessage()
                        : message(name, evaluate(name, validation.getMessageExpression(), activation, String.class))));
        return failures;
    }

    /** The API server drops a message that is blank or spans lines, for a generic one that says nothing to do. */
    private static String message(String policy, String message) {
        if (message.isBlank() || message.contains("\n")) {
            throw new AssertionError("policy " + policy + " gives a message the API server would not show: " + message);
        }
        return message;
    }

    private Optional<ConfigMap> param(ParamRef ref) {
        return params.stream().filter(map -> map.getMetadata().getName().equals(ref.getName())
                && map.getMetadata().getNamespace().equals(ref.getNamespace())).findFirst();
    }

    private static Map<String, Object> request(String operation, HasMetadata syncer) {
        String group = HasMetadata.getGroup(syncer.getClass());
        String version = HasMetadata.getVersion(syncer.getClass());
        return Map.of("operation", operation,
                "namespace", syncer.getMetadata().getNamespace(),
                "name", syncer.getMetadata().getName(),
                "kind", Map.of("group", group, "version", version, "kind", syncer.getKind()),
                "resource", Map.of("group", group, "version", version,
                        "resource", HasMetadata.getPlural(syncer.getClass())),
                "userInfo", Map.of("username", "a-tenant"));
    }

    private static boolean matches(ValidatingAdmissionPolicy policy, Map<String, Object> request) {
        @SuppressWarnings("unchecked")
        Map<String, String> resource = (Map<String, String>) request.get("resource");
        List<NamedRuleWithOperations> rules = policy.getSpec().getMatchConstraints().getResourceRules();
        return rules.stream().anyMatch(rule -> matches(rule.getApiGroups(), resource.get("group"))
                && matches(rule.getApiVersions(), resource.get("version"))
                && matches(rule.getResources(), resource.get("resource"))
                && matches(rule.getOperations(), (String) request.get("operation")));
    }

    private static boolean matches(List<String> values, String value) {
        return values.contains("*") || values.contains(value);
    }

    private ValidatingAdmissionPolicy policy(String name) {
        return policies.stream().filter(policy -> policy.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("a binding names policy " + name + ", which is not in "
                        + POLICIES));
    }

    private void compile(ValidatingAdmissionPolicy policy) {
        List<String> expressions = new ArrayList<>();
        policy.getSpec().getMatchConditions().forEach(condition -> expressions.add(condition.getExpression()));
        policy.getSpec().getVariables().forEach(variable -> expressions.add(variable.getExpression()));
        policy.getSpec().getValidations().forEach(validation -> {
            expressions.add(validation.getExpression());
            if (validation.getMessageExpression() != null) {
                expressions.add(validation.getMessageExpression());
            }
        });
        for (String expression : expressions) {
            try {
                programs.put(expression, CEL.createProgram(CEL.compile(expression).getAst()));
            } catch (CelValidationException | CelEvaluationException e) {
                throw new AssertionError("policy " + policy.getMetadata().getName() + ": " + e.getMessage(), e);
            }
        }
    }

    private <T> T evaluate(String policy, String expression, Map<String, Object> activation, Class<T> type) {
        Object result;
        try {
            result = programs.get(expression).eval(activation);
        } catch (CelEvaluationException e) {
            throw new AssertionError("policy " + policy + ", expression " + expression + ": " + e.getMessage(), e);
        }
        if (!type.isInstance(result)) {
            throw new AssertionError("policy " + policy + ", expression " + expression + " gave " + result
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(result);
    }

    /** JSON as CEL sees a Kubernetes object: maps, lists, strings, booleans, 64-bit integers; null fields absent. */
    private static Object celValue(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                node.properties().stream().filter(field -> !field.getValue().isNull())
                        .forEach(field -> map.put(field.getKey(), celValue(field.getValue())));
                yield map;
            }
            case ARRAY -> StreamSupport.stream(node.spliterator(), false).map(ShippedAdmissionPolicies::celValue)
                    .toList();
            case STRING -> node.asText();
            case BOOLEAN -> node.asBoolean();
            case NUMBER -> node.isIntegralNumber() ? (Object) node.asLong() : (Object) node.asDouble();
            default -> throw new IllegalArgumentException("not in a Kubernetes object: " + node);
        };
    }
}
