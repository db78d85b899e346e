package org.fdstore.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * An entry name split into its namespace and its name within it: {@code uid.1000/db} is namespace
 * {@code uid.1000}, name {@code db}. The namespace is what comes before the first {@code /}; an unqualified name has
 * the namespace {@code ""}, meaning the peer's default namespace, which only the daemon knows.
 *
 * <p>Parsing checks nothing but the split; {@link #whyInvalid()} applies {@link Names}. Immutable and thread safe.
 *
 * @param namespace the namespace, or {@code ""} when the text was unqualified
 * @param name the name within the namespace, possibly empty (the text {@code "ns/"})
 */
public record QualifiedName(String namespace, String name) {
    /** The separator between namespace and name. */
    public static final char SEPARATOR = '/';

    /**
     * Checks the components.
     *
     * @throws NullPointerException if an argument is null
     */
    public QualifiedName {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /**
     * Splits {@code text} at its first {@code /}. A text that starts with {@code /} names no namespace: it is a bare
     * name, which {@link Names} refuses.
     *
     * @throws NullPointerException if {@code text} is null
     */
    public static QualifiedName parse(String text) {
        int slash = text.indexOf(SEPARATOR);
        return slash <= 0 ? new QualifiedName("", text)
                : new QualifiedName(text.substring(0, slash), text.substring(slash + 1));
    }

    /** Whether the text named a namespace. */
    public boolean isQualified() {
        return !namespace.isEmpty();
    }

    /** This name in {@code defaultNamespace} if it is unqualified, else itself. */
    public QualifiedName in(String defaultNamespace) {
        return isQualified() ? this : new QualifiedName(defaultNamespace, name);
    }

    /**
     * Why this is not a valid qualified name, as a sentence, or empty. An unqualified name is checked as a name
     * only.
     */
    public Optional<String> whyInvalid() {
        if (isQualified()) {
            Optional<String> namespaceProblem = Names.whyInvalidNamespace(namespace);
            if (namespaceProblem.isPresent()) return namespaceProblem;
        }
        return Names.whyInvalid(name);
    }

    /** {@code namespace/name}, or the bare name when unqualified. */
    @Override
    public String toString() {
        return namespace.isEmpty() ? name : namespace + SEPARATOR + name;
    }
}
