package io.krmsync.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

import io.krmsync.nativeimage.ProjectClasses.CompiledClass;

/**
 * What would break the native executable although the JVM build works, checked on the compiled production classes
 * (everything but the dev-only sandbox). NativeImageConfigurationIT checks what the Quarkus native build makes of
 * them.
 */
class NativeImageSafetyTest {

    private static final ProjectClasses CLASSES = ProjectClasses.compiled();

    /** Calls that define classes at run time or look members up reflectively: a native image has neither. */
    private static final Map<String, Predicate<String>> RUNTIME_CLASSES_AND_REFLECTION = Map.of(
            "java/lang/reflect/Proxy", name -> true,
            "java/lang/ClassLoader", name -> name.startsWith("defineClass") || name.equals("loadClass"),
            "java/lang/invoke/MethodHandles$Lookup", name -> name.startsWith("define") || name.startsWith("find"),
            "java/lang/Class", name -> name.equals("forName") || name.equals("newInstance")
                    || name.matches("get(Declared)?(Method|Field|Constructor)s?") || name.equals("getRecordComponents"),
            "java/lang/reflect/Method", name -> name.equals("invoke"),
            "java/lang/reflect/Field", name -> name.startsWith("get") || name.startsWith("set"),
            "java/lang/reflect/Constructor", name -> name.equals("newInstance"),
            "java/util/ServiceLoader", name -> true);

    /**
     * The Quarkus native build initialises application classes while building the image (its generated feature calls
     * initializeAtBuildTime for every package): a static initialiser then runs on the build machine, and what it
     * creates is frozen into the executable. These calls would read the build machine's clock, environment,
     * configuration, files or randomness, or start threads that the image cannot contain.
     */
    private static final Map<String, Predicate<String>> BUILD_TIME_UNSAFE_IN_STATIC_INITIALISERS = Map.ofEntries(
            Map.entry("java/lang/System", name -> Set.of("currentTimeMillis", "nanoTime", "getenv", "getProperty",
                    "getProperties").contains(name)),
            Map.entry("java/time/Instant", name -> name.equals("now")),
            Map.entry("java/time/LocalDateTime", name -> name.equals("now")),
            Map.entry("java/time/OffsetDateTime", name -> name.equals("now")),
            Map.entry("java/time/ZonedDateTime", name -> name.equals("now")),
            Map.entry("java/time/Clock", name -> true),
            Map.entry("java/util/UUID", name -> name.equals("randomUUID")),
            Map.entry("java/util/Random", name -> name.equals("<init>")),
            Map.entry("java/security/SecureRandom", name -> true),
            Map.entry("java/util/SplittableRandom", name -> name.equals("<init>")),
            Map.entry("java/util/concurrent/ThreadLocalRandom", name -> true),
            Map.entry("java/lang/Thread", name -> Set.of("<init>", "start", "ofPlatform", "ofVirtual",
                    "startVirtualThread").contains(name)),
            Map.entry("java/util/concurrent/Executors", name -> true),
            Map.entry("java/util/Timer", name -> name.equals("<init>")),
            Map.entry("java/nio/file/Files", name -> true),
            Map.entry("java/net/InetAddress", name -> true),
            Map.entry("org/eclipse/microprofile/config/ConfigProvider", name -> true));

    /** Objects that must be created when the operator starts, never held by a class initialised at build time. */
    private static final List<Class<?>> RUNTIME_ONLY_STATIC_FIELD_TYPES = List.of(java.util.Random.class,
            java.util.SplittableRandom.class, Thread.class, java.util.Timer.class,
            // executors, Kubernetes and HTTP clients, streams, channels, sockets
            AutoCloseable.class);

    /** Classes of the in-memory API server: a provided-scope dependency, absent from the jar and the native image. */
    private static final List<String> DEV_ONLY_PACKAGES = List.of(ProjectClasses.SANDBOX_PACKAGE,
            "io/fabric8/mockwebserver/", "io/fabric8/kubernetes/client/server/mock/");

    private static final Set<String> BEAN_DEFINING = Set.of("Ljakarta/inject/Singleton;",
            "Ljakarta/enterprise/context/ApplicationScoped;", "Ljakarta/enterprise/context/RequestScoped;",
            "Ljakarta/enterprise/context/Dependent;", "Lio/quarkus/runtime/Startup;");
    private static final Set<String> BEAN_MEMBER = Set.of("Ljakarta/inject/Inject;",
            "Ljakarta/enterprise/inject/Produces;", "Ljakarta/enterprise/event/Observes;",
            "Ljakarta/enterprise/event/ObservesAsync;");
    private static final String IF_BUILD_PROFILE = "Lio/quarkus/arc/profile/IfBuildProfile;";

    @Test
    void noClassIsDefinedAndNoMemberLookedUpAtRunTime() {
        List<String> calls = callsMatching(CLASSES.production(), method -> true, RUNTIME_CLASSES_AND_REFLECTION);
        assertThat(calls)
                .as("A native image cannot define classes at run time (proxies, generated classes) and sees only the "
                        + "members registered for reflection (@RegisterForReflection) at build time: replace these "
                        + "calls with plain code")
                .isEmpty();
    }

    @Test
    void staticInitialisersDoNothingThatBelongsToRunTime() {
        List<String> calls = callsMatching(CLASSES.production(), method -> method.name.equals("<clinit>"),
                BUILD_TIME_UNSAFE_IN_STATIC_INITIALISERS);
        assertThat(calls)
                .as("Static initialisers run while the native image is built: create these when the operator starts "
                        + "(in a bean's constructor or a StartupEvent observer), not in a static field")
                .isEmpty();
    }

    @Test
    void staticFieldsHoldNothingThatMustBeCreatedAtRunTime() {
        List<String> fields = new ArrayList<>();
        CLASSES.production().forEach(compiled -> {
            for (FieldNode field : compiled.node().fields) {
                Type declared = Type.getType(field.desc);
                Type element = declared.getSort() == Type.ARRAY ? declared.getElementType() : declared;
                if ((field.access & Opcodes.ACC_STATIC) != 0 && element.getSort() == Type.OBJECT) {
                    Class<?> type = load(element);
                    RUNTIME_ONLY_STATIC_FIELD_TYPES.stream().filter(forbidden -> forbidden.isAssignableFrom(type))
                            .forEach(forbidden -> fields.add(compiled.binaryName() + "." + field.name + " ("
                                    + type.getName() + " is a " + forbidden.getSimpleName() + ")"));
                }
            }
        });
        assertThat(fields)
                .as("Classes are initialised while the native image is built, so a static field's object is frozen "
                        + "into the executable: hold these in a bean instead")
                .isEmpty();
    }

    @Test
    void productionCodeNeverReferencesTheSandboxOrTheInMemoryApiServer() {
        List<String> references = new ArrayList<>();
        CLASSES.production().forEach(compiled -> {
            // A class file's constant pool holds every class, descriptor and signature it uses, as plain ASCII here.
            String constants = new String(compiled.classFile(), StandardCharsets.ISO_8859_1);
            DEV_ONLY_PACKAGES.stream().filter(constants::contains)
                    .forEach(dev -> references.add(compiled.binaryName() + " uses " + dev));
        });
        assertThat(references)
                .as("kubernetes-server-mock is a provided-scope dependency for the sandbox and the tests: the jar and "
                        + "the native image do not contain it, so nothing they run may use it or the sandbox")
                .isEmpty();
    }

    @Test
    void sandboxBeansExistOnlyInTheDevBuildProfile() {
        List<ClassNode> beans = CLASSES.sandbox().map(CompiledClass::node).filter(NativeImageSafetyTest::isBean).toList();
        assertThat(beans).as("the sandbox's beans").isNotEmpty();
        assertThat(beans.stream().filter(node -> !inDevBuildProfileOnly(node)).map(node -> node.name))
                .as("Sandbox beans without @IfBuildProfile(\"dev\") would be part of prod builds, whose classpath "
                        + "has no in-memory API server")
                .isEmpty();
    }

    private static List<String> callsMatching(Stream<CompiledClass> classes, Predicate<MethodNode> inMethod,
            Map<String, Predicate<String>> forbidden) {
        List<String> calls = new ArrayList<>();
        classes.forEach(compiled -> {
            for (MethodNode method : compiled.node().methods) {
                if (!inMethod.test(method)) {
                    continue;
                }
                for (AbstractInsnNode insn : method.instructions) {
                    if (insn instanceof MethodInsnNode call && forbidden.containsKey(call.owner)
                            && forbidden.get(call.owner).test(call.name)) {
                        calls.add(compiled.binaryName() + "." + method.name + " calls "
                                + call.owner.replace('/', '.') + "." + call.name);
                    }
                }
            }
        });
        return calls;
    }

    private static boolean isBean(ClassNode node) {
        if (annotations(node.visibleAnnotations, node.invisibleAnnotations).anyMatch(a -> BEAN_DEFINING.contains(a.desc))) {
            return true;
        }
        Stream<AnnotationNode> members = Stream.concat(
                node.fields.stream().flatMap(f -> annotations(f.visibleAnnotations, f.invisibleAnnotations)),
                node.methods.stream().flatMap(m -> Stream.concat(annotations(m.visibleAnnotations, m.invisibleAnnotations),
                        parameterAnnotations(m))));
        return members.anyMatch(a -> BEAN_MEMBER.contains(a.desc));
    }

    private static boolean inDevBuildProfileOnly(ClassNode node) {
        return annotations(node.visibleAnnotations, node.invisibleAnnotations)
                .filter(a -> a.desc.equals(IF_BUILD_PROFILE) && a.values != null)
                .anyMatch(a -> a.values.size() == 2 && a.values.get(0).equals("value") && a.values.get(1).equals("dev"));
    }

    private static Stream<AnnotationNode> parameterAnnotations(MethodNode method) {
        return Stream.of(method.visibleParameterAnnotations, method.invisibleParameterAnnotations)
                .filter(Objects::nonNull)
                .flatMap(Stream::of)
                .filter(Objects::nonNull)
                .flatMap(List::stream);
    }

    private static Stream<AnnotationNode> annotations(List<AnnotationNode> visible, List<AnnotationNode> invisible) {
        return Stream.concat(visible == null ? Stream.empty() : visible.stream(),
                invisible == null ? Stream.empty() : invisible.stream());
    }

    private static Class<?> load(Type type) {
        try {
            return Class.forName(type.getClassName(), false, NativeImageSafetyTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Cannot load " + type.getClassName(), e);
        }
    }
}
