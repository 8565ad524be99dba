package io.krmsync.clusters;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.krmsync.status.Reason;
import io.quarkus.runtime.StartupEvent;

/**
 * Clusters from kubeconfig files: the files named by {@code -provider-kubeconfigs} and every file in the watched
 * directory. Both are re-read every poll interval; a changed set of files or contents updates the registry, so a file
 * dropped into the directory adds a cluster, an edited one rebuilds its client, a deleted one removes it. Polling
 * (rather than inotify) also sees Kubernetes' atomic symlink swaps of mounted Secrets and ConfigMaps.
 */
@ApplicationScoped
public class KubeconfigFileSource {

    private static final Logger LOG = Logger.getLogger(KubeconfigFileSource.class);

    /** A file's content as last read, or why it could not be read. */
    private record Snapshot(String content, String unreadable) {
    }

    private final ClusterRegistry registry;
    private final ClustersConfig config;
    private final KubeconfigPolicy policy;
    private Map<Path, Snapshot> flagged = Map.of();
    private Map<Path, Snapshot> directory = Map.of();
    private ScheduledExecutorService poller;

    public KubeconfigFileSource(ClusterRegistry registry, ClustersConfig config) {
        this.registry = registry;
        this.config = config;
        this.policy = config.insecure().policy();
    }

    void start(@Observes StartupEvent event) {
        if (config.providerKubeconfigs().isEmpty() && config.directory().isEmpty()) {
            return;
        }
        config.directory().ifPresent(dir -> LOG.infof("Watching %s for cluster kubeconfigs", dir.toAbsolutePath()));
        poll();
        poller = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("krm-sync-kubeconfig-files").daemon().factory());
        long interval = config.filePollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** Reads the files again and updates the registry for each source whose files changed. */
    synchronized void poll() {
        try {
            Map<Path, Snapshot> nowFlagged = read(config.providerKubeconfigs().orElse(List.of()));
            if (!nowFlagged.equals(flagged)) {
                flagged = nowFlagged;
                publish(ClusterSource.FLAG, nowFlagged);
            }
            Map<Path, Snapshot> nowInDirectory = config.directory().map(this::listDirectory).orElse(Map.of());
            if (!nowInDirectory.equals(directory)) {
                directory = nowInDirectory;
                publish(ClusterSource.DIRECTORY, nowInDirectory);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Reading cluster kubeconfig files failed; trying again in %s", config.filePollInterval());
        }
    }

    private void publish(ClusterSource source, Map<Path, Snapshot> files) {
        List<ClusterKubeconfig> kubeconfigs = new ArrayList<>();
        List<ClusterProblem> problems = new ArrayList<>();
        files.forEach((file, snapshot) -> {
            String origin = "file " + file;
            if (snapshot.unreadable() != null) {
                problems.add(new ClusterProblem(source, origin, Reason.KubeconfigUnreadable, snapshot.unreadable()));
                return;
            }
            try {
                kubeconfigs.addAll(Kubeconfigs.parse(Kubeconfigs.clusterNameOf(file), origin, snapshot.content(),
                        file.toAbsolutePath().getParent(), policy));
            } catch (InvalidKubeconfigException e) {
                problems.add(ClusterProblem.of(source, origin, e));
            }
        });
        registry.update(source, kubeconfigs, problems);
    }

    private Map<Path, Snapshot> listDirectory(Path dir) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                // Hidden entries include Kubernetes' ..data and timestamped folders behind mounted volumes.
                entry -> !entry.getFileName().toString().startsWith(".") && Files.isRegularFile(entry))) {
            entries.forEach(files::add);
        } catch (NoSuchFileException e) {
            LOG.debugf("Cluster kubeconfig directory %s does not exist (yet)", dir);
            return Map.of();
        } catch (IOException e) {
            LOG.warnf("Cannot list cluster kubeconfig directory %s: %s", dir, e.getClass().getSimpleName());
            return directory;
        }
        files.sort(null);
        return read(files);
    }

    private static Map<Path, Snapshot> read(List<Path> files) {
        Map<Path, Snapshot> snapshots = new LinkedHashMap<>();
        for (Path file : files) {
            try {
                snapshots.put(file, new Snapshot(Files.readString(file), null));
            } catch (NoSuchFileException e) {
                snapshots.put(file, new Snapshot(null, "file " + file + " does not exist"));
            } catch (IOException e) {
                snapshots.put(file, new Snapshot(null,
                        "file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")"));
            }
        }
        return snapshots;
    }
}
