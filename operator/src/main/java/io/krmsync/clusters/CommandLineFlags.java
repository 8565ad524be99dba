package io.krmsync.clusters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command-line flags of the multicluster-runtime sync example, turned into the properties they stand for:
 * <ul>
 * <li>{@code -local-kubeconfig FILE}: the local cluster's kubeconfig, as fabric8's {@code kubeconfig} system property
 * (the same as {@code KUBECONFIG=FILE});</li>
 * <li>{@code -provider-kubeconfigs a,b,c}: {@code krm-sync.clusters.provider-kubeconfigs}.</li>
 * </ul>
 * One or two leading dashes, and {@code -flag value} or {@code -flag=value}, as Go's flag package accepts.
 */
public final class CommandLineFlags {

    public static final String USAGE = """
            Usage: krm-sync [-local-kubeconfig FILE] [-provider-kubeconfigs FILE[,FILE...]]
              -local-kubeconfig FILE        kubeconfig of the local cluster (where the operator runs, its custom resources
                                            live and labelled ConfigMaps come from); default: in-cluster config or KUBECONFIG
              -provider-kubeconfigs FILES   comma-separated kubeconfig files of the provider clusters to propagate to
            Every other setting is a configuration property or environment variable: see docs/operations.md#configuration-reference.""";

    static final String LOCAL_KUBECONFIG_PROPERTY = "kubeconfig";
    static final String PROVIDER_KUBECONFIGS_PROPERTY = "krm-sync.clusters.provider-kubeconfigs";

    private CommandLineFlags() {
    }

    /** Thrown for an unknown flag or a flag without its value; the message is meant for the terminal. */
    public static final class InvalidFlagException extends Exception {
        InvalidFlagException(String message) {
            super(message);
        }
    }

    /** Thrown for {@code -h}/{@code --help}. */
    public static final class HelpRequestedException extends Exception {
        HelpRequestedException() {
            super(USAGE);
        }
    }

    public static Map<String, String> toProperties(String... args) throws InvalidFlagException, HelpRequestedException {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                throw new InvalidFlagException("unexpected argument " + arg);
            }
            String flag = arg.replaceFirst("^--?", "");
            String value = null;
            int equals = flag.indexOf('=');
            if (equals >= 0) {
                value = flag.substring(equals + 1);
                flag = flag.substring(0, equals);
            }
            String property = switch (flag) {
                case "local-kubeconfig" -> LOCAL_KUBECONFIG_PROPERTY;
                case "provider-kubeconfigs" -> PROVIDER_KUBECONFIGS_PROPERTY;
                case "h", "help" -> throw new HelpRequestedException();
                default -> throw new InvalidFlagException("unknown flag " + arg);
            };
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new InvalidFlagException("flag " + arg + " needs a value");
                }
                value = args[++i];
            }
            if (value.isBlank()) {
                throw new InvalidFlagException("flag " + arg + " needs a value");
            }
            properties.put(property, value);
        }
        return properties;
    }
}
