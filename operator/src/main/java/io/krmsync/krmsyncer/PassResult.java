package io.krmsync.krmsyncer;

import java.util.List;

/**
 * What one pass over a KRMSyncer's rules found.
 *
 * @param rules how each rule fared
 * @param wrote whether anything was written at the destination
 * @param pending some watch had not listed its objects yet: the pass synced what it could and runs again once it has
 * @param destination the destination's API server
 */
record PassResult(List<RuleStatus> rules, boolean wrote, boolean pending, String destination) {

    /** Objects in sync / objects selected, over every rule. */
    String summary() {
        int synced = rules.stream().mapToInt(RuleStatus::getSynced).sum();
        int failed = rules.stream().mapToInt(RuleStatus::getFailed).sum();
        return synced + "/" + (synced + failed);
    }
}
