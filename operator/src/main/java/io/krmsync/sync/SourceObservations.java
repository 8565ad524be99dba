package io.krmsync.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when the operator first saw each version of a source, so that the copy latency metric measures
 * source change to copy written, across retries and several target namespaces or clusters.
 */
public class SourceObservations {

    private record Observation(String resourceVersion, Instant firstSeen) {
    }

    private final Map<String, Observation> bySource = new ConcurrentHashMap<>();
    private final Clock clock;

    public SourceObservations(Clock clock) {
        this.clock = clock;
    }

    /** When the given version of the source was first seen; call it as soon as the source is read. */
    public Instant firstSeen(String sourceKey, String resourceVersion) {
        return bySource.compute(sourceKey, (key, previous) -> previous != null
                && previous.resourceVersion().equals(resourceVersion) ? previous
                        : new Observation(resourceVersion, clock.instant())).firstSeen();
    }

    public Duration since(Instant firstSeen) {
        return Duration.between(firstSeen, clock.instant());
    }

    public void forget(String sourceKey) {
        bySource.remove(sourceKey);
    }
}
