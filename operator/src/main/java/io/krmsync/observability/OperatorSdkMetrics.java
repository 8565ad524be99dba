package io.krmsync.observability;

import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * The operator SDK's metrics, bound to the Micrometer registry when the SDK asks for them.
 * <p>
 * quarkus-operator-sdk's default {@code Metrics} bean is whatever its MeterBinder holds at the moment the SDK builds
 * its configuration: {@code Metrics.NOOP} when Micrometer has not bound the binder yet, which is what happens in
 * dev mode and the packaged jar, so /q/metrics silently lacked every SDK metric. Taking the registry as a parameter
 * makes the order irrelevant. The v1 binder, because the v2 one registers meter names with differing tag keys, which
 * the Prometheus registry rejects (docs/metrics.md).
 */
@Singleton
public class OperatorSdkMetrics {

    private static final String SDK_METER_PREFIX = "operator.sdk.";
    /**
     * Tags the v1 binder leaves out when their value is empty, next to a tag that is always there: {@code group} for a
     * core kind (ConfigMap), plain and with the "resource." prefix.
     */
    private static final Map<String, String> OMITTED_TAG_BESIDE = Map.of("group", "kind", "resource.group", "resource.kind");

    /**
     * Without per-resource series: with them every labelled ConfigMap and every syncer had about 70 series of its own
     * (names as tags), unbounded on a cluster with many; per-syncer health is krm-sync's own
     * {@code krm_sync_syncer_*} gauges, one series each.
     */
    @Produces
    @Singleton
    Metrics operatorSdkMetrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }

    /**
     * Gives every SDK meter the same tag keys whatever the resource: the v1 binder registers
     * {@code operator_sdk_events_received_total} with {@code group} for ConfigMapSyncer and without it for the
     * ConfigMaps PropagationReconciler reconciles, and the Prometheus registry rejects the second with an exception
     * thrown on the informer thread, so that controller's events were lost. Empty values stand for the omitted tags.
     */
    @Produces
    @Singleton
    MeterFilter sameTagKeysForEverySdkMeter() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith(SDK_METER_PREFIX)) {
                    return id;
                }
                Meter.Id mapped = id;
                for (var omitted : OMITTED_TAG_BESIDE.entrySet()) {
                    if (id.getTag(omitted.getValue()) != null && id.getTag(omitted.getKey()) == null) {
                        mapped = mapped.withTag(Tag.of(omitted.getKey(), ""));
                    }
                }
                return mapped;
            }
        };
    }
}
