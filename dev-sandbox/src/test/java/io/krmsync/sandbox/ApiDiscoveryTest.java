package io.krmsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class ApiDiscoveryTest {

    @Test
    void prefersGaThenBetaThenAlphaVersions() {
        List<String> ordered = Stream.of("v1alpha1", "v2beta1", "foo", "v1", "v1beta2", "v2", "v1alpha2")
                .sorted(ApiDiscovery::compareKubeAware)
                .toList();

        assertThat(ordered).containsExactly("v2", "v1", "v2beta1", "v1beta2", "v1alpha2", "v1alpha1", "foo");
    }

    @Test
    void groupsVersionsAndPicksThePreferredOne() {
        List<ServedResource> served = List.of(
                new ServedResource("example.com", "v1alpha1", "widgets", "widget", "Widget", true, List.of(), false),
                new ServedResource("example.com", "v1", "widgets", "widget", "Widget", true, List.of(), false));

        var group = ApiDiscovery.apiGroups(served).getGroups().get(0);

        assertThat(group.getVersions()).extracting(v -> v.getGroupVersion())
                .containsExactly("example.com/v1", "example.com/v1alpha1");
        assertThat(group.getPreferredVersion().getVersion()).isEqualTo("v1");
    }
}
