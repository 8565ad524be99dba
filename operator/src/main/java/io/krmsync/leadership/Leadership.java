package io.krmsync.leadership;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.krmsync.OperatorNamespace;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Whether this replica may write. The operator SDK runs leader election on a Lease in the local cluster and starts
 * reconciliations only on the leader; work krm-sync does outside a reconciliation (propagation's deletions and
 * sweeps, Events about refused kubeconfig Secrets) asks {@link #isLeader()} first, so that a standby, whose caches
 * are kept warm, writes nothing.
 * <p>
 * The SDK asks for the {@link LeaderElectionConfiguration} bean only in the profiles where leader election is
 * active; everywhere else (dev, sandbox, tests) this replica is the only one and always leads.
 */
@Singleton
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);

    private final List<Runnable> leadingListeners = new CopyOnWriteArrayList<>();
    private final MeterRegistry meters;
    private final Gauge leaderGauge;
    private volatile boolean electionActive;
    private volatile boolean leading;
    private volatile boolean shuttingDown;

    public Leadership(MeterRegistry meters) {
        this.meters = meters;
        this.leaderGauge = Gauge.builder("krm_sync.leader", this, leadership -> leadership.isLeader() ? 1 : 0)
                .description("1 when this replica leads (or leader election is off), 0 on a standby")
                .register(meters);
    }

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElectionConfiguration(LeaderElectionConfig config,
            OperatorNamespace operatorNamespace) {
        electionActive = true;
        String identity = identity();
        String namespace = config.leaseNamespace().orElseGet(operatorNamespace::name);
        LeaderElectionConfigurationBuilder builder = LeaderElectionConfigurationBuilder
                .aLeaderElectionConfiguration(config.leaseName())
                .withLeaseNamespace(namespace)
                .withIdentity(identity)
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withLeaderCallbacks(new LeaderCallbacks(this::startLeading, this::stopLeading, leader -> {
                }));
        LOG.infof("Leader election on Lease %s/%s as %s; reconciling starts once this replica leads", namespace,
                config.leaseName(), identity);
        return builder.build();
    }

    /** True when this replica may write: it holds the Lease, or leader election is off. */
    public boolean isLeader() {
        return !electionActive || leading;
    }

    /**
     * Runs {@code action} each time this replica becomes the leader (on the SDK's leader-election thread: it must
     * not block), to catch up on work that a standby skipped.
     */
    public void whenLeading(Runnable action) {
        leadingListeners.add(action);
    }

    @PreDestroy
    void stop() {
        meters.remove(leaderGauge);
    }

    private void startLeading() {
        leading = true;
        LOG.info("This replica leads: reconciling");
        leadingListeners.forEach(Runnable::run);
    }

    /**
     * Called when the Lease is lost, and also when the SDK stops election during a graceful shutdown. A lost Lease ends
     * the process: the SDK would go on reconciling (its builder's configurations do not exit), beside the new leader.
     * The pod restarts as a standby.
     */
    private void stopLeading() {
        leading = false;
        if (shuttingDown) {
            return;
        }
        LOG.error("This replica lost the leader Lease: exiting, so that it cannot write beside the new leader");
        Quarkus.asyncExit(1);
    }

    void shutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        shuttingDown = true;
    }

    /**
     * The pod's name (HOSTNAME) plus a random suffix: unique per process even when two replicas share a host name,
     * and readable in the Lease's holderIdentity.
     */
    private static String identity() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(name -> !name.isBlank()).orElse("krm-sync");
        return host + "_" + UUID.randomUUID();
    }
}
