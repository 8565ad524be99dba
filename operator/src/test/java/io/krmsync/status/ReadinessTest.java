package io.krmsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** What Ready says when a reconciliation throws (the operator SDK's error-status path). */
class ReadinessTest {

    @Test
    void anUnexpectedExceptionIsNamedByItsTypeNeverItsText() {
        // An exception's text may quote what was being parsed, such as a Secret's content.
        Readiness failed = Readiness.failed(new IllegalStateException("token: s3cr3t-value"));

        assertThat(failed.ready()).isFalse();
        assertThat(failed.reason()).isEqualTo(Reason.ReconcileError);
        assertThat(failed.message()).contains("IllegalStateException").doesNotContain("s3cr3t-value");
    }

    @Test
    void anApiRefusalKeepsItsReasonAndTheApiServersMessage() {
        Readiness failed = Readiness.failed(new KubernetesClientException("forbidden", 403, null));

        assertThat(failed.reason()).isEqualTo(Reason.Forbidden);
        assertThat(failed.message()).startsWith("HTTP 403").endsWith("; retrying");
    }
}
