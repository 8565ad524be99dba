package io.krmsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClientException;

class ApiErrorsTest {

    @Test
    void aRequestWithoutAnAnswerIsUnreachableWhateverCodeFabric8Uses() {
        // fabric8 7.7 reports a refused or reset connection with code -1; older versions used 0.
        for (int code : new int[] { -1, 0 }) {
            KubernetesClientException e = new KubernetesClientException("connection refused", code, null);
            assertThat(ApiErrors.isUnanswered(e)).isTrue();
            assertThat(ApiErrors.reason(e)).isEqualTo(Reason.Unreachable);
            assertThat(ApiErrors.message(e)).isEqualTo("API server unreachable");
        }
    }

    @Test
    void answeredFailuresKeepTheirReason() {
        assertThat(ApiErrors.reason(new KubernetesClientException("no", 403, null))).isEqualTo(Reason.Forbidden);
        assertThat(ApiErrors.isUnanswered(new KubernetesClientException("busy", 503, null))).isFalse();
        assertThat(ApiErrors.reason(new KubernetesClientException("busy", 503, null))).isEqualTo(Reason.ServerError);
    }

    @Test
    void aStaleWriteIsNotAnOwnershipConflict() {
        // HTTP 409 means the object changed under krm-sync; Conflict means it belongs to someone else.
        assertThat(ApiErrors.reason(new KubernetesClientException("changed", 409, null))).isEqualTo(Reason.WriteConflict)
                .isNotEqualTo(Reason.Conflict);
    }
}
