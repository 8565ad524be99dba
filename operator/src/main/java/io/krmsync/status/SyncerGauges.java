package io.krmsync.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * One syncer's gauges (see {@link StatusRecorder}). A timestamp gauge is registered only once its time is
 * known: a syncer that never synced has no last-sync series rather than a made-up time.
 */
final class SyncerGauges {

    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private volatile double ready;
    private volatile double lastSync = Double.NaN;
    private volatile double lastReady = Double.NaN;

    SyncerGauges(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        meters.add(Gauge.builder(StatusRecorder.SYNCER_READY, this, gauges -> gauges.ready)
                .description("1 when the syncer's Ready condition is True, 0 otherwise")
                .tags(tags).register(registry));
    }

    synchronized void update(boolean ready, Optional<Instant> lastSyncTime, Instant now) {
        boolean lastSyncKnown = !Double.isNaN(lastSync);
        boolean lastReadyKnown = !Double.isNaN(lastReady);
        this.ready = ready ? 1 : 0;
        lastSyncTime.ifPresent(time -> lastSync = epochSeconds(time));
        if (ready) {
            lastReady = epochSeconds(now);
        } else if (!lastReadyKnown) {
            // Not Ready since the operator started: status.lastSyncTime is the last time it is known to have been.
            lastReady = lastSync;
        }
        if (!lastSyncKnown && !Double.isNaN(lastSync)) {
            meters.add(Gauge.builder(StatusRecorder.SYNCER_LAST_SYNC, this, gauges -> gauges.lastSync)
                    .description("status.lastSyncTime: when the syncer last wrote its copies or found a new outcome")
                    .baseUnit("seconds").tags(tags).register(registry));
        }
        if (!lastReadyKnown && !Double.isNaN(lastReady)) {
            meters.add(Gauge.builder(StatusRecorder.SYNCER_LAST_READY, this, gauges -> gauges.lastReady)
                    .description("When a reconciliation last found the syncer Ready")
                    .baseUnit("seconds").tags(tags).register(registry));
        }
    }

    synchronized void remove() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private static double epochSeconds(Instant time) {
        return time.getEpochSecond() + time.getNano() / 1e9;
    }
}
