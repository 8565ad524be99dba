package io.krmsync.krmsyncer;

/** Why a rule cannot be synced, as a condition-style reason and a message for status, events and logs. */
class RuleFailure extends Exception {

    private static final long serialVersionUID = 1L;

    static final String RULE_INVALID = "RuleInvalid";
    static final String NOT_SERVED_AT_DESTINATION = "KindNotServedAtDestination";

    private final String reason;

    RuleFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
