package io.krmsync.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.krmsync.status.Reason;

/**
 * Every reason krm-sync can put in a status, an Event or a metric label is explained in docs/operations.md's
 * troubleshooting section, so that a user who meets one can look it up: a new reason cannot be added silently.
 */
class ReasonsDocTest {

    @Test
    void everyReasonIsExplainedInTheTroubleshootingSection() throws Exception {
        String doc = Files.readString(Path.of("../docs/operations.md"));
        String troubleshooting = doc.substring(doc.indexOf("\n## Troubleshooting\n"), doc.indexOf("\n## Leader election\n"));

        assertThat(Arrays.stream(Reason.values()).map(Reason::name))
                .allSatisfy(reason -> assertThat(troubleshooting).as("docs/operations.md#troubleshooting names %s", reason)
                        .contains("`" + reason + "`"));
    }
}
