package io.krmsync.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

import io.krmsync.nativeimage.ProjectClasses.CompiledClass;

/**
 * What would break the native executable although the JVM build works, checked on the compiled production classes.
 * NativeImageConfigurationIT checks what the Quarkus native build makes of them.
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

    private static Class<?> load(Type type) {
        try {
            return Class.forName(type.getClassName(), false, NativeImageSafetyTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Cannot load " + type.getClassName(), e);
        }
    }
}
