package io.krmsync;

import io.krmsync.clusters.CommandLineFlags;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Accepts the command-line flags ({@code -local-kubeconfig}, {@code -provider-kubeconfigs}) on the jar's and the native
 * binary's command line. They become system properties before Quarkus reads its configuration, so that the local
 * client and the cluster registry see them like any other setting.
 */
@QuarkusMain
public final class KrmSyncMain {

    private KrmSyncMain() {
    }

    public static void main(String... args) {
        try {
            CommandLineFlags.toProperties(args).forEach(System::setProperty);
        } catch (CommandLineFlags.HelpRequestedException e) {
            System.out.println(e.getMessage());
            return;
        } catch (CommandLineFlags.InvalidFlagException e) {
            System.err.println("krm-sync: " + e.getMessage() + "\n" + CommandLineFlags.USAGE);
            System.exit(2);
        }
        Quarkus.run(args);
    }
}
