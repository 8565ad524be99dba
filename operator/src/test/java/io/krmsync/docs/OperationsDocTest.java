package io.krmsync.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.krmsync.clusters.CommandLineFlags;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings.ConfigClass;

/**
 * Keeps the configuration reference of docs/operations.md true to the code. Every {@code krm-sync.*} property (of
 * each {@code @ConfigMapping} interface and each {@code @ConfigProperty} injection point, found by scanning the
 * compiled classes, so that a new one cannot be forgotten) must have a row there whose default is the one the
 * operator gets, and every flag {@link CommandLineFlags} accepts must be named there.
 */
class OperationsDocTest {

    private static final Path DOC = Path.of("../docs/operations.md");
    private static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final String PROPERTY_PREFIX = "krm-sync.";
    /** A reference row: | `name` | default cell | meaning |. A default cell starting with a backtick names a value. */
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern DOCUMENTED_DEFAULT = Pattern.compile("^`([^`]*)`");
    /** Candidate flag names among the class's string constants; each is then tried on CommandLineFlags itself. */
    private static final Pattern FLAG_LIKE = Pattern.compile("[a-z][a-z0-9-]*");

    private static String reference;
    private static Path mainClasses;

    @BeforeAll
    static void read() throws Exception {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("\n## Configuration reference\n");
        assertThat(start).as("%s has a '## Configuration reference' section", DOC).isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        reference = end < 0 ? doc.substring(start) : doc.substring(start, end);
        mainClasses = Path.of(CommandLineFlags.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void everyPropertyIsDocumentedWithTheDefaultTheOperatorGets() throws Exception {
        Map<String, Optional<String>> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(reference);
        while (row.find()) {
            Matcher value = DOCUMENTED_DEFAULT.matcher(row.group(2).strip());
            documented.putIfAbsent(row.group(1), value.find() ? Optional.of(value.group(1)) : Optional.empty());
        }

        List<String> problems = new ArrayList<>();
        codeProperties().forEach((name, codeDefault) -> {
            if (!documented.containsKey(name)) {
                problems.add(name + ": no row");
            } else if (!sameDefault(codeDefault, documented.get(name))) {
                problems.add(name + ": default " + codeDefault.map(v -> "`" + v + "`").orElse("none") + " in the code, "
                        + documented.get(name).map(v -> "`" + v + "`").orElse("none") + " in the doc");
            }
        });
        assertThat(problems).as("krm-sync properties vs %s#configuration-reference", DOC).isEmpty();
    }

    @Test
    void everyCommandLineFlagIsDocumented() throws IOException {
        List<String> flags = commandLineFlags();
        assertThat(flags).as("flags found in CommandLineFlags").isNotEmpty();
        List<String> missing = flags.stream()
                .filter(flag -> !Pattern.compile("`-" + Pattern.quote(flag) + "[` =]").matcher(reference).find())
                .map(flag -> "-" + flag).toList();
        assertThat(missing).as("command-line flags missing from %s#configuration-reference", DOC).isEmpty();
    }

    /**
     * Every krm-sync property of the code with the default the operator gets: the value in application.properties
     * (outside any profile) if there is one, else the code's own default.
     */
    private static Map<String, Optional<String>> codeProperties() throws IOException {
        Map<String, Optional<String>> properties = new TreeMap<>();
        List<Class<?>> classes = mainClasses();
        List<Class<?>> mappings = classes.stream().filter(type -> type.isAnnotationPresent(ConfigMapping.class)).toList();
        assertThat(mappings).as("@ConfigMapping interfaces in %s", mainClasses).isNotEmpty();
        for (Class<?> mapping : mappings) {
            // SmallRye's own naming: kebab-case members, nested groups as prefixes, @WithName, @WithDefault.
            ConfigClass.configClass(mapping).getProperties().forEach((name, defaultValue) -> {
                // A list property also answers to indexed names (name[0], name[1]); the documented one is the plain name.
                if (!name.endsWith("[*]")) {
                    properties.put(name, Optional.ofNullable(defaultValue));
                }
            });
        }
        for (Class<?> type : classes) {
            for (AnnotatedElement element : injectionPoints(type)) {
                ConfigProperty property = element.getAnnotation(ConfigProperty.class);
                if (property != null && property.name().startsWith(PROPERTY_PREFIX)) {
                    properties.put(property.name(), Optional.of(property.defaultValue())
                            .filter(value -> !ConfigProperty.UNCONFIGURED_VALUE.equals(value)));
                }
            }
        }
        Properties configured = new Properties();
        try (InputStream in = Files.newInputStream(APPLICATION_PROPERTIES)) {
            configured.load(in);
        }
        configured.stringPropertyNames().stream().filter(name -> name.startsWith(PROPERTY_PREFIX))
                .forEach(name -> properties.put(name, Optional.of(configured.getProperty(name))));
        return properties;
    }

    private static List<Class<?>> mainClasses() throws IOException {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(mainClasses.resolve("io/krmsync"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String relative = mainClasses.relativize(file).toString();
                String name = relative.substring(0, relative.length() - ".class".length()).replace(File.separatorChar, '.');
                try {
                    classes.add(Class.forName(name, false, OperationsDocTest.class.getClassLoader()));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(name + " is in " + mainClasses + " but cannot be loaded", e);
                }
            }
        }
        return classes;
    }

    private static List<AnnotatedElement> injectionPoints(Class<?> type) {
        List<AnnotatedElement> points = new ArrayList<>(Arrays.asList(type.getDeclaredFields()));
        Stream.concat(Arrays.stream(type.getDeclaredConstructors()), Arrays.stream(type.getDeclaredMethods()))
                .map(Executable::getParameters).flatMap(Arrays::stream).forEach(points::add);
        return points;
    }

    /** Equal as written, or the same duration written two ways (30s, PT30S). */
    private static boolean sameDefault(Optional<String> code, Optional<String> documented) {
        if (code.isEmpty() || documented.isEmpty()) {
            return code.isEmpty() && documented.isEmpty();
        }
        Duration codeDuration = duration(code.get());
        return code.get().equals(documented.get())
                || codeDuration != null && codeDuration.equals(duration(documented.get()));
    }

    private static Duration duration(String value) {
        try {
            return DurationConverter.parseDuration(value);
        } catch (RuntimeException notADuration) {
            return null;
        }
    }

    /**
     * The flags CommandLineFlags accepts: its flag names are string constants of its class file (a string switch compares
     * against literals), so each flag-like constant is offered to {@link CommandLineFlags#toProperties} and kept if accepted.
     */
    private static List<String> commandLineFlags() throws IOException {
        byte[] classFile;
        try (InputStream in = CommandLineFlags.class.getResourceAsStream("CommandLineFlags.class")) {
            classFile = Objects.requireNonNull(in, "CommandLineFlags.class").readAllBytes();
        }
        return utf8Constants(classFile).stream().filter(constant -> FLAG_LIKE.matcher(constant).matches())
                .distinct().filter(OperationsDocTest::isAcceptedFlag).sorted().toList();
    }

    private static boolean isAcceptedFlag(String name) {
        try {
            CommandLineFlags.toProperties("-" + name, "value");
            return true;
        } catch (CommandLineFlags.HelpRequestedException e) {
            return true;
        } catch (CommandLineFlags.InvalidFlagException e) {
            return false;
        }
    }

    /** The CONSTANT_Utf8 entries of a class file's constant pool (JVMS 4.4). */
    private static List<String> utf8Constants(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.skipBytes(8); // magic, minor and major version
        int count = in.readUnsignedShort();
        List<String> strings = new ArrayList<>();
        for (int index = 1; index < count; index++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> strings.add(in.readUTF()); // u2 length + modified UTF-8: DataInput's own format
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    index++; // longs and doubles take two entries
                }
                default -> throw new IllegalStateException("unknown constant pool tag " + tag + " in CommandLineFlags.class");
            }
        }
        return strings;
    }
}
