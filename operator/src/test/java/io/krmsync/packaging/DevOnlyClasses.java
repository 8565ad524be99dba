package io.krmsync.packaging;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.krmsync.sandbox.SandboxApiServer;

/**
 * The classes that must never ship: every class of the sandbox module (dev-sandbox/) and of the in-memory API server
 * it is built on (fabric8's kubernetes-server-mock and mockwebserver). They are read from the jars, or the class
 * folder, that hold them on the test class path, so the set follows those artefacts as they change; one class of each
 * only locates it.
 */
public final class DevOnlyClasses {

    private static final List<Class<?>> ONE_CLASS_OF_EACH_ARTEFACT = List.of(SandboxApiServer.class,
            KubernetesMockServer.class, MockWebServer.class);

    /** Binary class name to the dev-only jar or class folder it belongs to. */
    private final Map<String, Path> artefactOf;

    private DevOnlyClasses(Map<String, Path> artefactOf) {
        this.artefactOf = artefactOf;
    }

    public static DevOnlyClasses onTheTestClassPath() {
        Map<String, Path> artefactOf = new TreeMap<>();
        for (Class<?> member : ONE_CLASS_OF_EACH_ARTEFACT) {
            Path artefact = locationOf(member);
            Set<String> classes = ClassFiles.in(artefact);
            if (!classes.contains(member.getName())) {
                throw new IllegalStateException(member.getName() + " was loaded from " + artefact
                        + ", which does not hold it as a class file");
            }
            classes.forEach(name -> artefactOf.putIfAbsent(name, artefact));
        }
        return new DevOnlyClasses(artefactOf);
    }

    /** The jars or class folders the dev-only classes were read from. */
    public Set<Path> artefacts() {
        return new TreeSet<>(artefactOf.values());
    }

    public boolean contains(String binaryClassName) {
        return artefactOf.containsKey(binaryClassName);
    }

    /** The Java packages of the dev-only classes, e.g. {@code io.krmsync.sandbox}. */
    public Set<String> packages() {
        return artefactOf.keySet().stream().filter(name -> name.contains("."))
                .map(name -> name.substring(0, name.lastIndexOf('.')))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The dev-only classes among the classes of some jars, one line per jar and dev-only artefact: how many, which
     * artefact they belong to, and an example.
     */
    public List<String> foundIn(Map<Path, Set<String>> classesByJar) {
        List<String> found = new ArrayList<>();
        classesByJar.forEach((jar, classes) -> {
            Map<Path, List<String>> byArtefact = new LinkedHashMap<>();
            classes.stream().filter(this::contains)
                    .forEach(name -> byArtefact.computeIfAbsent(artefactOf.get(name), a -> new ArrayList<>()).add(name));
            byArtefact.forEach((artefact, names) -> found.add(String.format("%s holds %d classes of %s, e.g. %s", jar,
                    names.size(), artefact.getFileName(), names.get(0))));
        });
        return found;
    }

    private static Path locationOf(Class<?> member) {
        try {
            return Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the jar of " + member.getName(), e);
        }
    }
}
