package io.krmsync.nativeimage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;

/**
 * The operator's compiled classes ({@code target/classes}), as bytecode: what the native image is built from.
 */
final class ProjectClasses {

    static final String ROOT_PACKAGE = "io/krmsync/";
    /** Where Maven compiles them: read as files, since failsafe has the packaged jar on the class path instead. */
    private static final Path CLASSES_DIRECTORY = Path.of("target", "classes");

    /** A compiled class: its parsed bytecode and its raw class file, whose constant pool names every type it uses. */
    record CompiledClass(ClassNode node, byte[] classFile) {

        String name() {
            return node.name;
        }

        String binaryName() {
            return node.name.replace('/', '.');
        }
    }

    private final Map<String, CompiledClass> byName;

    private ProjectClasses(Map<String, CompiledClass> byName) {
        this.byName = byName;
    }

    static ProjectClasses compiled() {
        Map<String, CompiledClass> byName = new TreeMap<>();
        try (Stream<Path> files = Files.walk(CLASSES_DIRECTORY.resolve(ROOT_PACKAGE))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                ClassNode node = new ClassNode();
                new ClassReader(bytes).accept(node, 0);
                byName.put(node.name, new CompiledClass(node, bytes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProjectClasses(byName);
    }

    static boolean isProjectClass(String internalName) {
        return internalName.startsWith(ROOT_PACKAGE);
    }

    /** Everything a prod build (the jar, the native image) is built from. */
    Stream<CompiledClass> production() {
        return byName.values().stream();
    }

    Optional<CompiledClass> get(String internalName) {
        return Optional.ofNullable(byName.get(internalName));
    }
}
