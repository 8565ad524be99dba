package io.krmsync.benchmark;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.krmsync.OperatorNamespace;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.StatusRecorder;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.tenancy.Impersonation;
import io.krmsync.tenancy.Tenancy;
import io.krmsync.tenancy.TenancyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The operator SDK's {@link Operator} as the Quarkus extension builds it, minus Quarkus, so that a benchmark can stop
 * it and start a fresh one against the same API servers: its own client, server-side apply off (as
 * {@code quarkus.operator-sdk.enable-ssa=false}), the benchmark's {@link ReconcileTracker} as the SDK's metrics hook,
 * every other setting the SDK default (among them the number of concurrent reconciliation threads, which the extension
 * leaves unset), and one reconciler.
 *
 * @param <P> the benchmark's kind of tracker
 */
final class RunningOperator<P extends ReconcileTracker> {

    /**
     * What a reconciler is built from, the parts every reconciler of krm-sync takes made once: the operator's client,
     * its serialization, a meter registry of its own with the project's sync metrics, the copy engine, the Event
     * recorder, the status recorder, tenancy as the tests run it (every namespace trusted) and impersonation.
     */
    record Parts(KubernetesClient client, KubernetesSerialization serialization, SimpleMeterRegistry meters,
            SyncMetrics metrics, CopyEngine copyEngine, EventRecorder events, StatusRecorder statusRecorder,
            Tenancy tenancy, Impersonation impersonation) {

        static Parts of(KubernetesClient client) {
            KubernetesSerialization serialization = client.getKubernetesSerialization();
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            SyncMetrics metrics = new SyncMetrics(meters);
            EventRecorder events = new EventRecorder(client);
            return new Parts(client, serialization, meters, metrics, new CopyEngine(serialization, metrics), events,
                    new StatusRecorder(meters, events), new Tenancy(EVERY_NAMESPACE_TRUSTED,
                            new OperatorNamespace(Optional.empty(), client)), new Impersonation(client));
        }
    }

    private static final TenancyConfig EVERY_NAMESPACE_TRUSTED = new TenancyConfig() {

        @Override
        public Optional<List<String>> trustedNamespaces() {
            return Optional.of(List.of("*"));
        }

        @Override
        public Optional<String> defaultServiceAccount() {
            return Optional.empty();
        }
    };

    /** How an operator is started; see {@link RunningOperator#with}. */
    static final class Starter<P extends ReconcileTracker> {

        private final KubernetesClient client;
        private final P probe;
        private Runnable beforeStart = () -> {
        };
        private Runnable afterStop = () -> {
        };

        private Starter(KubernetesClient client, P probe) {
            this.client = client;
            this.probe = probe;
        }

        /** What must happen after the reconciler is registered and before the SDK starts; timed as the start. */
        Starter<P> beforeStart(Runnable action) {
            this.beforeStart = action;
            return this;
        }

        /** What must happen after the SDK has stopped, before the client is closed. */
        Starter<P> afterStop(Runnable action) {
            this.afterStop = action;
            return this;
        }

        /** Registers the reconciler {@code reconciler} builds and starts the SDK, which returns once its informers synced. */
        RunningOperator<P> start(Function<Parts, Reconciler<? extends HasMetadata>> reconciler) {
            Parts parts = Parts.of(client);
            Operator operator = new Operator(overrider -> overrider.withKubernetesClient(client)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withMetrics(probe));
            operator.register(reconciler.apply(parts));
            long start = System.nanoTime();
            beforeStart.run();
            operator.start();
            return new RunningOperator<>(operator, probe, parts, afterStop, start, System.nanoTime());
        }
    }

    private final Operator operator;
    private final P probe;
    private final Parts parts;
    private final Runnable afterStop;
    private final long startNanos;
    private final long startedNanos;

    private RunningOperator(Operator operator, P probe, Parts parts, Runnable afterStop, long startNanos,
            long startedNanos) {
        this.operator = operator;
        this.probe = probe;
        this.parts = parts;
        this.afterStop = afterStop;
        this.startNanos = startNanos;
        this.startedNanos = startedNanos;
    }

    /** The operator's own client of the API server at {@code url}, as the application builds it, with its User-Agent. */
    static KubernetesClient clientOf(String url) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(url)
                .withUserAgent("krm-sync-operator").build()).build();
    }

    /** An operator that will use {@code client} (it closes it when stopped) and report to {@code probe}. */
    static <P extends ReconcileTracker> Starter<P> with(KubernetesClient client, P probe) {
        return new Starter<>(client, probe);
    }

    void stop() {
        operator.stop();
        afterStop.run();
        parts.client().close();
    }

    P probe() {
        return probe;
    }

    SimpleMeterRegistry meters() {
        return parts.meters();
    }

    int reconciliationThreads() {
        return operator.getConfigurationService().concurrentReconciliationThreads();
    }

    /** When {@code start()} was called (System.nanoTime). */
    long startNanos() {
        return startNanos;
    }

    /** When the SDK's start returned: its informers had synced. */
    long startedNanos() {
        return startedNanos;
    }
}
