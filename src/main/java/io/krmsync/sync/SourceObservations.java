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

    /** The time since the given version of the source was first seen. */
    public Duration sinceFirstSeen(String sourceKey, String resourceVersion) {
        Observation observation = bySource.compute(sourceKey, (key, previous) -> previous != null
                && previous.resourceVersion().equals(resourceVersion) ? previous
                        : new Observation(resourceVersion, clock.instant()));
        return Duration.between(observation.firstSeen(), clock.instant());
    }

    public void forget(String sourceKey) {
        bySource.remove(sourceKey);
    }
}
