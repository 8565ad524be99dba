package io.krmsync.krmsyncer;

import java.lang.reflect.Field;
import java.util.List;
import java.util.function.Predicate;

import io.krmsync.krmsyncer.SourceWatches.WatchKey;
import io.quarkus.arc.ClientProxy;

/**
 * The operator's open source watches, as "Kind.version in namespace NAME". SourceWatches is no bean: it is read from
 * the reconciler that created it. They are the watches of every KRMSyncer in the JVM, which other tests (or their
 * cleanup) may be changing at the same time: a test looks only at those it alone could have opened.
 */
final class OpenSourceWatches {

    private OpenSourceWatches() {
    }

    static List<String> matching(KRMSyncerReconciler reconciler, Predicate<WatchKey> filter)
            throws ReflectiveOperationException {
        Field sources = KRMSyncerReconciler.class.getDeclaredField("sources");
        sources.setAccessible(true);
        SourceWatches open = (SourceWatches) sources.get(ClientProxy.unwrap(reconciler));
        return open.keys().stream().filter(filter).map(WatchKey::toString).toList();
    }
}
