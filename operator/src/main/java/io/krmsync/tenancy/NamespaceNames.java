package io.krmsync.tenancy;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A list of namespaces as settings and consent annotations write it: names, blanks around them ignored, {@code *} for
 * every namespace; an empty list names none.
 */
public final class NamespaceNames {

    private static final String EVERY_NAMESPACE = "*";

    private final Set<String> names;

    private NamespaceNames(Collection<String> names) {
        this.names = names.stream().map(String::trim).filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** As a list setting gives it ({@code krm-sync.tenancy.trusted-namespaces=a,b}). */
    public static NamespaceNames of(Collection<String> names) {
        return new NamespaceNames(names);
    }

    /** As an annotation writes it: {@code "team-a, team-b"}. */
    public static NamespaceNames parse(String commaSeparated) {
        return new NamespaceNames(Arrays.asList(commaSeparated.split(",")));
    }

    public boolean includes(String namespace) {
        return names.contains(EVERY_NAMESPACE) || names.contains(namespace);
    }
}
