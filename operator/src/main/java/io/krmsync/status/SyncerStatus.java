package io.krmsync.status;

import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;

/** The status fields every syncer (ConfigMapSyncer, KRMSyncer) has and settles the same way. */
public interface SyncerStatus {

    Long getObservedGeneration();

    void setObservedGeneration(Long observedGeneration);

    String getLastSyncTime();

    void setLastSyncTime(String lastSyncTime);

    List<Condition> getConditions();

    void setConditions(List<Condition> conditions);
}
