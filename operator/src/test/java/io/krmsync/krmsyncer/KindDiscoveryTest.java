package io.krmsync.krmsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.krmsync.status.Reason;

/**
 * One discovery cache policy at both ends: a kind found is trusted for the TTL, a kind not found is looked up again
 * at once. Each expectation answers once: a lookup the cache should have saved would find no answer (404, so the
 * kind would be "not served").
 */
@EnableKubernetesMockClient
class KindDiscoveryTest {

    private static final GroupVersionKind WIDGETS = new GroupVersionKind("example.com", "v1", "Widget");

    KubernetesMockServer server;
    KubernetesClient client;
    private MutableClock clock;
    private KindDiscovery discovery;

    @BeforeEach
    void setUp() {
        clock = new MutableClock();
        discovery = new KindDiscovery(client, " at the destination", Reason.KindNotServedAtDestination, clock);
    }

    @Test
    void aKindFoundIsTrustedForTheTtlThenLookedUpAgain() throws RuleFailure {
        servesWidgets(true);
        assertThat(discovery.resolve(WIDGETS).namespaced()).isTrue();

        clock.advance(KindDiscovery.TTL.minusSeconds(1));
        assertThat(discovery.resolve(WIDGETS).namespaced()).isTrue();

        // The CRD changed scope meanwhile.
        servesWidgets(false);
        clock.advance(KindDiscovery.TTL);
        assertThat(discovery.resolve(WIDGETS).namespaced()).isFalse();
    }

    @Test
    void aKindNotFoundIsLookedUpAgainOnTheNextPass() throws RuleFailure {
        assertThatThrownBy(() -> discovery.resolve(WIDGETS)).isInstanceOf(RuleFailure.class)
                .hasMessage("API example.com/v1 is not served at the destination");

        servesWidgets(true);
        assertThat(discovery.resolve(WIDGETS).plural()).isEqualTo("widgets");
    }

    private void servesWidgets(boolean namespaced) {
        server.expect().get().withPath("/apis/example.com/v1").andReturn(200, new APIResourceListBuilder()
                .withGroupVersion("example.com/v1")
                .addToResources(new APIResourceBuilder().withKind("Widget").withName("widgets")
                        .withNamespaced(namespaced).withVerbs("get", "list", "watch").build())
                .build()).once();
    }

    private static final class MutableClock extends Clock {

        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(java.time.Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
