package io.krmsync.krmsyncer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.krmsync.status.Reason;

class SuspensionTest {

    @Test
    void syncsWhenNeitherFieldIsSet() {
        Suspension suspension = Suspension.of(spec(null, null));
        assertThat(suspension.suspended()).isFalse();
        assertThat(suspension.reason()).isEqualTo(Reason.Active);
    }

    @Test
    void eitherFieldSuspendsOnItsOwn() {
        assertThat(Suspension.of(spec(true, null)).suspended()).isTrue();
        assertThat(Suspension.of(spec(null, true)).suspended()).isTrue();
        assertThat(Suspension.of(spec(null, true)).message()).contains("spec.suspended is true");
        assertThat(Suspension.of(spec(false, null)).suspended()).isFalse();
        assertThat(Suspension.of(spec(null, false)).suspended()).isFalse();
    }

    @Test
    void agreeingFieldsAreOneAnswer() {
        assertThat(Suspension.of(spec(true, true)).reason()).isEqualTo(Reason.Suspended);
        assertThat(Suspension.of(spec(false, false)).reason()).isEqualTo(Reason.Active);
    }

    @Test
    void disagreeingFieldsStaySuspendedAndSaySo() {
        for (Suspension suspension : new Suspension[] { Suspension.of(spec(false, true)), Suspension.of(spec(true, false)) }) {
            assertThat(suspension.suspended()).isTrue();
            assertThat(suspension.reason()).isEqualTo(Reason.SuspendFieldsDisagree);
            assertThat(suspension.message()).contains("spec.suspend").contains("spec.suspended");
        }
    }

    private static KRMSyncerSpec spec(Boolean suspend, Boolean suspended) {
        KRMSyncerSpec spec = new KRMSyncerSpec();
        spec.setSuspend(suspend);
        spec.setSuspended(suspended);
        return spec;
    }
}
