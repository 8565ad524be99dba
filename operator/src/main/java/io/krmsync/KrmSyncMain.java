package io.krmsync;

import io.krmsync.clusters.SeedFlags;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Accepts the seed's flags ({@code -local-kubeconfig}, {@code -provider-kubeconfigs}) on the jar's and the native
 * binary's command line. They become system properties before Quarkus reads its configuration, so that the local
 * client and the cluster registry see them like any other setting.
 */
@QuarkusMain
public final class KrmSyncMain {

    private KrmSyncMain() {
    }

    public static void main(String... args) {
        try {
            SeedFlags.toProperties(args).forEach(System::setProperty);
        } catch (SeedFlags.HelpRequestedException e) {
            System.out.println(e.getMessage());
            return;
        } catch (SeedFlags.InvalidFlagException e) {
            System.err.println("krm-sync: " + e.getMessage() + "\n" + SeedFlags.USAGE);
            System.exit(2);
        }
        Quarkus.run(args);
    }
}
