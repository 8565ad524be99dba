package io.krmsync.observability;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

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

    @Produces
    @Singleton
    Metrics operatorSdkMetrics(MeterRegistry registry) {
        return MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build();
    }
}
