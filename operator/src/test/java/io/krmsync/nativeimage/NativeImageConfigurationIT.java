package io.krmsync.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;
import org.objectweb.asm.tree.ClassNode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.krmsync.packaging.ClassFiles;
import io.krmsync.packaging.DevOnlyClasses;

/**
 * The native profile's configuration, as the Quarkus native build turns it into native-image input: every build step
 * of {@code ./mvnw package -Dnative} runs, without GraalVM, in the {@code native-sources} execution of the Quarkus
 * plugin (pom.xml), which writes {@code target/native-check/native-sources/}: the application jar with its
 * reflection and resource configuration, the libraries, and native-image's arguments.
 */
class NativeImageConfigurationIT {

    private static final Path NATIVE_SOURCES = Path.of("target", "native-check", "native-sources");
    private static final String FABRIC8_MODEL = "io/fabric8/kubernetes/api/model/";

    private static Map<String, JsonNode> reflection;
    private static JsonNode resources;

    @BeforeAll
    static void readNativeSources() throws IOException {
        Path runnerJar = runnerJar();
        ObjectMapper json = new ObjectMapper();
        try (ZipFile jar = new ZipFile(runnerJar.toFile())) {
            reflection = new HashMap<>();
            for (JsonNode entry : json.readTree(read(jar, "META-INF/native-image/reflect-config.json"))) {
                reflection.put(entry.get("name").asText(), entry);
            }
            resources = json.readTree(read(jar, "META-INF/native-image/resource-config.json"));
        }
    }

    @Test
    void everyProjectClassTheOperatorHandsToJacksonIsRegisteredForReflection() {
        Set<String> bound = JacksonBoundClasses.in(ProjectClasses.compiled());
        assertThat(bound).as("project classes bound to Jackson").isNotEmpty();
        List<String> unregistered = bound.stream().map(name -> name.replace('/', '.'))
                .filter(name -> !registeredForJackson(name))
                .toList();
        assertThat(unregistered)
                .as("In the native image Jackson sees only the constructors, fields and methods registered for "
                        + "reflection. Custom resource classes and their field types are registered by the operator "
                        + "SDK; annotate any other class read or written as JSON/YAML with @RegisterForReflection")
                .isEmpty();
    }

    @Test
    void everyFabric8ModelTheOperatorUsesIsRegisteredForReflection() {
        Set<String> used = new TreeSet<>();
        ProjectClasses.compiled().production().forEach(compiled -> used.addAll(typesUsedBy(compiled.classFile())));
        List<String> models = used.stream()
                .filter(name -> name.startsWith(FABRIC8_MODEL))
                .map(name -> name.replace('/', '.'))
                .filter(NativeImageConfigurationIT::isJacksonMappedModel)
                .toList();
        assertThat(models).as("fabric8 models the operator uses")
                .contains("io.fabric8.kubernetes.api.model.GenericKubernetesResource",
                        "io.fabric8.kubernetes.api.model.Config", "io.fabric8.kubernetes.api.model.ConfigMap");
        assertThat(models.stream().filter(name -> !registeredForJackson(name)))
                .as("fabric8 models the operator reads or writes (dynamic kinds as GenericKubernetesResource, "
                        + "kubeconfigs as Config) that the Kubernetes client extension did not register")
                .isEmpty();
    }

    /** The same dev-only classes as ApplicationArtefactIT's, read from the same jars. */
    @Test
    void neitherTheSandboxNorTheInMemoryApiServerIsPartOfTheImage() {
        DevOnlyClasses devOnly = DevOnlyClasses.onTheTestClassPath();
        Map<Path, Set<String>> classesByJar = ClassFiles.inJarsUnder(NATIVE_SOURCES);
        assertThat(classesByJar.values()).as("the classes of the jars in %s", NATIVE_SOURCES)
                .anyMatch(classes -> classes.contains("io.krmsync.KrmSyncMain"));
        assertThat(devOnly.foundIn(classesByJar)).as("classes given to native-image").isEmpty();
        assertThat(reflection.keySet().stream().filter(devOnly::contains)).as("registered for reflection").isEmpty();
        String resourceConfiguration = resources.toString();
        assertThat(devOnly.packages().stream().filter(p -> resourceConfiguration.contains(p.replace('.', '/') + "/")
                || resourceConfiguration.contains(p + "."))).as("in the resource configuration").isEmpty();
    }

    @Test
    void nativeImageFailsAtBuildTimeWhatWouldOtherwiseFailAtRunTime() throws IOException {
        List<String> arguments = List.of(Files.readString(NATIVE_SOURCES.resolve("native-image.args")).split("\\s+"));
        assertThat(arguments)
                .as("no fallback image that would need a JVM; a class the image needs but lacks fails the build")
                .contains("--no-fallback", "--link-at-build-time");
        assertThat(arguments.stream().filter(a -> a.startsWith("--enable-url-protocols=")))
                .as("the Kubernetes API is HTTPS")
                .singleElement().asString().contains("https");
    }

    private static boolean registeredForJackson(String name) {
        JsonNode entry = reflection.get(name);
        return entry != null
                && (flag(entry, "allDeclaredConstructors") || flag(entry, "allPublicConstructors"))
                && (flag(entry, "allDeclaredMethods") || flag(entry, "allPublicMethods"))
                && (flag(entry, "allDeclaredFields") || flag(entry, "allPublicFields"));
    }

    private static boolean flag(JsonNode entry, String name) {
        return entry.path(name).asBoolean(false);
    }

    /** A concrete model class, which Jackson instantiates and fills (not a builder, interface or abstract base). */
    private static boolean isJacksonMappedModel(String className) {
        try {
            Class<?> type = Class.forName(className, false, NativeImageConfigurationIT.class.getClassLoader());
            return KubernetesResource.class.isAssignableFrom(type) && !type.isInterface()
                    && !Modifier.isAbstract(type.getModifiers());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Cannot load " + className, e);
        }
    }

    /** Every type a class file names: in its declarations, signatures, descriptors and code. */
    private static Set<String> typesUsedBy(byte[] classFile) {
        Set<String> types = new TreeSet<>();
        new ClassReader(classFile).accept(new ClassRemapper(new ClassNode(), new Remapper() {
            @Override
            public String map(String internalName) {
                types.add(internalName);
                return internalName;
            }
        }), 0);
        return types;
    }

    private static Path runnerJar() throws IOException {
        if (!Files.isDirectory(NATIVE_SOURCES)) {
            fail(NATIVE_SOURCES + " does not exist. The native-sources execution of the Quarkus plugin writes it during "
                    + "`package` unless tests are skipped: run `./mvnw verify`.");
        }
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(NATIVE_SOURCES)) {
            files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).forEach(jars::add);
        }
        assertThat(jars).as("the application jar in %s", NATIVE_SOURCES).hasSize(1);
        return jars.get(0);
    }

    private static InputStream read(ZipFile jar, String entry) throws IOException {
        ZipEntry found = jar.getEntry(entry);
        if (found == null) {
            throw new IOException(entry + " missing from " + jar.getName());
        }
        return jar.getInputStream(found);
    }
}
