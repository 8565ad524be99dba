package io.krmsync.sync;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krmsync.status.ApiErrors;
import io.krmsync.sync.CopyResult.Outcome;
import io.krmsync.sync.SyncMetrics.Operation;
import io.krmsync.sync.TrackingMetadata.Ownership;

/**
 * Turns desired-versus-live into the fewest API writes: nothing when they match, an update carrying the live
 * resourceVersion when they differ, delete-and-create when the live copy cannot change in place. Objects without this
 * owner's marker are only touched when the conflict policy says so, and never when another krm-sync owner holds them.
 * A 409 (or a 404) means the cache was stale: re-read once and decide again, never overwrite blindly.
 */
@ApplicationScoped
public class CopyEngine {

    private final KubernetesSerialization serialization;
    private final ObjectSanitizer sanitizer;
    private final SyncMetrics metrics;

    public CopyEngine(KubernetesSerialization serialization, SyncMetrics metrics) {
        this.serialization = serialization;
        this.sanitizer = new ObjectSanitizer(serialization);
        this.metrics = metrics;
    }

    public ObjectSanitizer sanitizer() {
        return sanitizer;
    }

    /**
     * Brings the copy named by {@code desired} in line with it.
     *
     * @throws KubernetesClientException when the target API refuses a write; the caller reports it per target
     */
    public <T extends HasMetadata> CopyResult sync(CopyTarget<T> target, GenericKubernetesResource desired,
            CopyOwner owner, ConflictPolicy policy) {
        String namespace = desired.getMetadata().getNamespace();
        String name = desired.getMetadata().getName();
        T cached = target.cache().get(namespace, name).orElse(null);
        return withOneReread(target, owner, cached, namespace, name,
                live -> syncAgainst(target, desired, owner, policy, live));
    }

    /**
     * Deletes a copy if, and only if, it still carries this owner's marker and has not changed since it was read.
     *
     * @return true when the copy is gone
     */
    public <T extends HasMetadata> boolean deleteCopy(CopyTarget<T> target, T live, CopyOwner owner) {
        return withOneReread(target, owner, live, live.getMetadata().getNamespace(), live.getMetadata().getName(),
                current -> current == null || deleteIfOwned(target, current, owner));
    }

    /**
     * Acts on what was read; when the API server says that was stale (409: changed since; 404: gone since, or the
     * cluster was rebuilt under the informer), reads the object again and acts once more. Never overwrites blindly.
     */
    private <T extends HasMetadata, R> R withOneReread(CopyTarget<T> target, CopyOwner owner, T read, String namespace,
            String name, Function<T, R> action) {
        try {
            try {
                return action.apply(read);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 && e.getCode() != 404) {
                    throw e;
                }
            }
            return action.apply(fetch(target, namespace, name));
        } catch (KubernetesClientException e) {
            metrics.error(owner.reconciler(), target.cluster(), ApiErrors.reason(e));
            throw e;
        }
    }

    private <T extends HasMetadata> boolean deleteIfOwned(CopyTarget<T> target, T live, CopyOwner owner) {
        if (TrackingMetadata.ownership(live, owner) != Ownership.OWNED) {
            return false;
        }
        try {
            resources(target, live.getMetadata().getNamespace()).withName(live.getMetadata().getName())
                    .lockResourceVersion(live.getMetadata().getResourceVersion()).delete();
            metrics.written(owner.reconciler(), target.cluster(), Operation.DELETE);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        return true;
    }

    private <T extends HasMetadata> CopyResult syncAgainst(CopyTarget<T> target, GenericKubernetesResource desired,
            CopyOwner owner, ConflictPolicy policy, T live) {
        if (live == null) {
            create(target, desired, owner, Operation.CREATE);
            return CopyResult.of(Outcome.CREATED);
        }
        Ownership ownership = TrackingMetadata.ownership(live, owner);
        if (ownership == Ownership.OTHER_OWNER) {
            metrics.conflict(owner.reconciler(), target.cluster());
            return CopyResult.otherOwnerConflict(describe(target, live) + " is managed by another krm-sync owner ("
                    + TrackingMetadata.ownerKey(live).orElseThrow() + ")");
        }
        if (ownership == Ownership.UNMANAGED && policy != ConflictPolicy.Overwrite) {
            metrics.conflict(owner.reconciler(), target.cluster());
            return CopyResult.unmanagedConflict(
                    describe(target, live) + " already exists and was not created by krm-sync; left untouched (conflictPolicy Skip)");
        }
        GenericKubernetesResource liveGeneric = sanitizer.toGeneric(live);
        if (ownership == Ownership.OWNED && !CopyDiff.differs(desired, liveGeneric)) {
            return CopyResult.of(Outcome.UNCHANGED);
        }
        return bringInLine(target, desired, owner, live, liveGeneric, ownership);
    }

    /** Overwrites a live object that differs: in place, or by delete-and-create where the API server refuses that. */
    private <T extends HasMetadata> CopyResult bringInLine(CopyTarget<T> target, GenericKubernetesResource desired,
            CopyOwner owner, T live, GenericKubernetesResource liveGeneric, Ownership ownership) {
        boolean sourceChanged = !Objects.equals(sourceHash(liveGeneric), sourceHash(desired));
        if (ownership == Ownership.OWNED && !sourceChanged) {
            metrics.driftCorrected(owner.reconciler(), target.cluster());
        }
        String namespace = desired.getMetadata().getNamespace();
        if (CopyDiff.needsRecreate(desired, liveGeneric)) {
            resources(target, namespace).withName(desired.getMetadata().getName())
                    .lockResourceVersion(live.getMetadata().getResourceVersion()).delete();
            create(target, desired, owner, Operation.RECREATE);
            return new CopyResult(Outcome.RECREATED, null, sourceChanged);
        }
        T updated = resources(target, namespace).resource(overlay(target, liveGeneric, desired, sourceChanged)).update();
        target.cache().written(live, updated);
        metrics.written(owner.reconciler(), target.cluster(), Operation.UPDATE);
        return new CopyResult(ownership == Ownership.OWNED ? Outcome.UPDATED : Outcome.TAKEN_OVER, null, sourceChanged);
    }

    private <T extends HasMetadata> void create(CopyTarget<T> target, GenericKubernetesResource desired,
            CopyOwner owner, Operation operation) {
        T created = resources(target, desired.getMetadata().getNamespace())
                .resource(serialization.convertValue(desired, target.type())).create();
        target.cache().written(null, created);
        metrics.written(owner.reconciler(), target.cluster(), operation);
    }

    /**
     * The live object with the desired labels, annotations and content laid over it: metadata that others own
     * (finalizers, ownerReferences) and the resourceVersion that makes the update optimistic are kept.
     */
    private <T extends HasMetadata> T overlay(CopyTarget<T> target, GenericKubernetesResource live,
            GenericKubernetesResource desired, boolean sourceChanged) {
        GenericKubernetesResource merged = serialization.clone(live);
        KindRules rules = KindRules.forKind(desired.getApiVersion(), desired.getKind());
        if (rules.comparesExactly() || sourceChanged) {
            // Replaced, so that labels and annotations removed from the source leave the copy too; the destination's
            // controllers put back their own.
            merged.getMetadata().setLabels(desired.getMetadata().getLabels());
            merged.getMetadata().setAnnotations(desired.getMetadata().getAnnotations());
        } else {
            merged.getMetadata().setLabels(mergedEntries(live.getMetadata().getLabels(), desired.getMetadata().getLabels()));
            merged.getMetadata().setAnnotations(
                    mergedEntries(live.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations()));
        }
        if (rules.comparesExactly()) {
            rules.exactFields().forEach(field -> merged.getAdditionalProperties().remove(field));
        }
        merged.getAdditionalProperties().putAll(desired.getAdditionalProperties());
        return serialization.convertValue(merged, target.type());
    }

    private static Map<String, String> mergedEntries(Map<String, String> live, Map<String, String> desired) {
        Map<String, String> merged = new TreeMap<>();
        if (live != null) {
            merged.putAll(live);
        }
        if (desired != null) {
            merged.putAll(desired);
        }
        return merged;
    }

    private static String sourceHash(GenericKubernetesResource object) {
        var annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(TrackingMetadata.SOURCE_HASH_ANNOTATION);
    }

    private static <T extends HasMetadata> T fetch(CopyTarget<T> target, String namespace, String name) {
        return resources(target, namespace).withName(name).get();
    }

    private static <T extends HasMetadata> NonNamespaceOperation<T, ?, ? extends Resource<T>> resources(
            CopyTarget<T> target, String namespace) {
        return namespace == null ? target.resources() : target.resources().inNamespace(namespace);
    }

    private static String describe(CopyTarget<?> target, HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return object.getKind() + " " + (namespace == null ? "" : namespace + "/") + object.getMetadata().getName()
                + " in cluster " + target.cluster();
    }
}
