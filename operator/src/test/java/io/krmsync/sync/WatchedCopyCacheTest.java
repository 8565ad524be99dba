package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Store;

class WatchedCopyCacheTest {

    private final MapStore store = new MapStore();
    private final WatchedCopyCache<ConfigMap> cache = new WatchedCopyCache<>(store);

    @Test
    void aWriteShadowsTheVersionItReplacedUntilTheInformerMovesOn() {
        ConfigMap v1 = version("1", "old");
        store.put(v1);
        ConfigMap v2 = version("2", "ours");

        cache.written(v1, v2);
        assertThat(cache.get("ns", "cm")).contains(v2);

        store.put(v2);
        cache.seen(v2);
        assertThat(cache.get("ns", "cm")).contains(v2);
    }

    @Test
    void anEditDeliveredBeforeOurWriteWasRecordedIsNotHidden() {
        ConfigMap v1 = version("1", "old");
        ConfigMap v2 = version("2", "ours");
        ConfigMap v3 = version("3", "someone else's");
        // The informer delivered our write and a later edit before the writing thread recorded its write.
        store.put(v3);
        cache.seen(v2);
        cache.seen(v3);

        cache.written(v1, v2);

        assertThat(cache.get("ns", "cm")).contains(v3);
    }

    @Test
    void aCreateShadowsAnEmptyStoreOnly() {
        ConfigMap created = version("5", "ours");
        cache.written(null, created);
        assertThat(cache.get("ns", "cm")).contains(created);

        ConfigMap edited = version("6", "edited");
        store.put(edited);
        assertThat(cache.get("ns", "cm")).contains(edited);
    }

    @Test
    void aDeleteForgetsTheWrite() {
        ConfigMap created = version("5", "ours");
        cache.written(null, created);
        cache.deleted(created);
        assertThat(cache.get("ns", "cm")).isEmpty();
    }

    private static ConfigMap version(String resourceVersion, String value) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("cm")
                .withResourceVersion(resourceVersion).endMetadata().withData(Map.of("k", value)).build();
    }

    /** An informer store holding what the informer has delivered so far. */
    private static final class MapStore implements Store<ConfigMap> {

        private final Map<String, ConfigMap> objects = new LinkedHashMap<>();

        void put(ConfigMap object) {
            objects.put(getKey(object), object);
        }

        @Override
        public List<ConfigMap> list() {
            return new ArrayList<>(objects.values());
        }

        @Override
        public List<String> listKeys() {
            return new ArrayList<>(objects.keySet());
        }

        @Override
        public ConfigMap get(ConfigMap object) {
            return objects.get(getKey(object));
        }

        @Override
        public ConfigMap getByKey(String key) {
            return objects.get(key);
        }

        @Override
        public String getKey(ConfigMap object) {
            return Cache.metaNamespaceKeyFunc(object);
        }
    }
}
