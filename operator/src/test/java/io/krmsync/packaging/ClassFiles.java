package io.krmsync.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/** The classes a jar or a class folder holds, by binary name ({@code io.krmsync.KrmSyncMain}), read from its files. */
public final class ClassFiles {

    private static final String CLASS_SUFFIX = ".class";
    /** Multi-release jars keep a class's variants for newer JDKs under this prefix; they are the same class. */
    private static final String VERSIONED = "META-INF/versions/";

    private ClassFiles() {
    }

    /** Every class of a jar, or of a folder of class files such as {@code target/classes}. */
    public static Set<String> in(Path jarOrFolder) {
        try {
            return Files.isDirectory(jarOrFolder) ? inFolder(jarOrFolder) : inJar(jarOrFolder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the classes of " + jarOrFolder, e);
        }
    }

    /** Every jar under {@code directory}, at any depth, with its classes. */
    public static Map<Path, Set<String>> inJarsUnder(Path directory) {
        Map<Path, Set<String>> jars = new TreeMap<>();
        try (Stream<Path> files = Files.walk(directory)) {
            files.filter(file -> file.getFileName().toString().endsWith(".jar"))
                    .forEach(jar -> jars.put(jar, in(jar)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
        return jars;
    }

    private static Set<String> inFolder(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return classNames(files.filter(Files::isRegularFile)
                    .map(file -> folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/")));
        }
    }

    private static Set<String> inJar(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return classNames(zip.stream().filter(entry -> !entry.isDirectory()).map(entry -> entry.getName()));
        }
    }

    private static Set<String> classNames(Stream<String> entryNames) {
        Set<String> classes = new TreeSet<>();
        entryNames.filter(name -> name.endsWith(CLASS_SUFFIX))
                .map(name -> name.startsWith(VERSIONED) ? name.substring(name.indexOf('/', VERSIONED.length()) + 1) : name)
                .map(name -> name.substring(0, name.length() - CLASS_SUFFIX.length()))
                // module-info is in many jars and names no class.
                .filter(name -> !name.equals("module-info"))
                .forEach(name -> classes.add(name.replace('/', '.')));
        return classes;
    }
}
