package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;

class LabelSelectorsTest {

    private static final Map<String, String> PROD_EU = Map.of("env", "prod", "region", "eu");

    private static LabelSelector expression(String key, String operator, String... values) {
        return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(operator)
                .withValues(values).endMatchExpression().build();
    }

    // matches

    @Test
    void matchLabelsRequiresEveryEntry() {
        LabelSelector selector = new LabelSelectorBuilder().withMatchLabels(Map.of("env", "prod", "region", "eu"))
                .build();

        assertThat(LabelSelectors.matches(selector, PROD_EU)).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod", "region", "us"))).isFalse();
    }

    @Test
    void inMatchesWhenTheValueIsListed() {
        LabelSelector selector = expression("env", "In", "prod", "staging");

        assertThat(LabelSelectors.matches(selector, PROD_EU)).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "dev"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("region", "eu"))).isFalse();
    }

    @Test
    void notInMatchesWhenTheValueIsNotListedOrTheLabelIsAbsent() {
        LabelSelector selector = expression("env", "NotIn", "prod");

        assertThat(LabelSelectors.matches(selector, PROD_EU)).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "dev"))).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("region", "eu"))).isTrue();
    }

    @Test
    void existsMatchesWhenTheKeyIsPresentWhateverItsValue() {
        LabelSelector selector = expression("region", "Exists");

        assertThat(LabelSelectors.matches(selector, PROD_EU)).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("region", ""))).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod"))).isFalse();
    }

    @Test
    void doesNotExistMatchesWhenTheKeyIsAbsent() {
        LabelSelector selector = expression("region", "DoesNotExist");

        assertThat(LabelSelectors.matches(selector, PROD_EU)).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod"))).isTrue();
    }

    @Test
    void matchLabelsAndExpressionsMustAllHold() {
        LabelSelector selector = new LabelSelectorBuilder()
                .withMatchLabels(Map.of("env", "prod"))
                .addNewMatchExpression().withKey("region").withOperator("In").withValues("eu", "us")
                    .endMatchExpression()
                .addNewMatchExpression().withKey("legacy").withOperator("DoesNotExist").endMatchExpression()
                .build();

        assertThat(LabelSelectors.matches(selector, PROD_EU)).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "dev", "region", "eu"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod", "region", "ap"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod", "region", "eu", "legacy", "true")))
                .isFalse();
    }

    @Test
    void emptySelectorMatchesEverything() {
        LabelSelector selector = new LabelSelector();

        assertThat(LabelSelectors.matches(selector, PROD_EU)).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of())).isTrue();
        assertThat(LabelSelectors.matches(selector, null)).isTrue();
    }

    @Test
    void nullLabelsAreTreatedAsNoLabels() {
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().withMatchLabels(Map.of("env", "prod")).build(),
                null)).isFalse();
        assertThat(LabelSelectors.matches(expression("env", "In", "prod"), null)).isFalse();
        assertThat(LabelSelectors.matches(expression("env", "NotIn", "prod"), null)).isTrue();
        assertThat(LabelSelectors.matches(expression("env", "Exists"), null)).isFalse();
        assertThat(LabelSelectors.matches(expression("env", "DoesNotExist"), null)).isTrue();
    }

    // problems

    @Test
    void validSelectorHasNoProblems() {
        LabelSelector selector = new LabelSelectorBuilder()
                .withMatchLabels(Map.of("env", "prod"))
                .addNewMatchExpression().withKey("region").withOperator("In").withValues("eu").endMatchExpression()
                .addNewMatchExpression().withKey("tier").withOperator("NotIn").withValues("db").endMatchExpression()
                .addNewMatchExpression().withKey("team").withOperator("Exists").endMatchExpression()
                .addNewMatchExpression().withKey("legacy").withOperator("DoesNotExist").endMatchExpression()
                .build();

        assertThat(LabelSelectors.problems(selector)).isEmpty();
    }

    @Test
    void selectorWithoutExpressionsHasNoProblems() {
        assertThat(LabelSelectors.problems(new LabelSelector())).isEmpty();
    }

    @Test
    void unknownOperatorIsAProblem() {
        assertThat(LabelSelectors.problems(expression("env", "Equals", "prod")))
                .singleElement().asString()
                .contains("matchExpressions[env]")
                .contains("operator must be one of In, NotIn, Exists, DoesNotExist");
    }

    @Test
    void missingOperatorIsAProblem() {
        LabelSelector selector = new LabelSelectorBuilder().addNewMatchExpression().withKey("env")
                .withValues("prod").endMatchExpression().build();

        assertThat(LabelSelectors.problems(selector))
                .singleElement().asString().contains("matchExpressions[env]").contains("operator");
    }

    @Test
    void inWithoutValuesIsAProblem() {
        assertThat(LabelSelectors.problems(expression("env", "In")))
                .singleElement().asString().contains("matchExpressions[env]").contains("values must be non-empty for In");
    }

    @Test
    void notInWithoutValuesIsAProblem() {
        assertThat(LabelSelectors.problems(expression("env", "NotIn")))
                .singleElement().asString().contains("values must be non-empty for NotIn");
    }

    @Test
    void existsWithValuesIsAProblem() {
        assertThat(LabelSelectors.problems(expression("env", "Exists", "prod")))
                .singleElement().asString().contains("matchExpressions[env]").contains("values must be empty for Exists");
    }

    @Test
    void doesNotExistWithValuesIsAProblem() {
        assertThat(LabelSelectors.problems(expression("env", "DoesNotExist", "prod")))
                .singleElement().asString().contains("values must be empty for DoesNotExist");
    }

    @Test
    void missingKeyIsAProblem() {
        assertThat(LabelSelectors.problems(expression("", "Exists")))
                .containsExactly("matchExpressions: key is required");
    }

    @Test
    void everyBadExpressionIsReported() {
        LabelSelector selector = new LabelSelectorBuilder()
                .addNewMatchExpression().withKey("a").withOperator("In").endMatchExpression()
                .addNewMatchExpression().withKey("b").withOperator("Exists").withValues("x").endMatchExpression()
                .build();

        assertThat(LabelSelectors.problems(selector)).hasSize(2);
    }

    // parse: the selector strings of kubectl -l

    @Test
    void equalityRequirementsMustAllHold() {
        LabelSelector selector = LabelSelectors.parse("env=prod, region==eu");

        assertThat(LabelSelectors.matches(selector, PROD_EU)).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod", "region", "us"))).isFalse();
    }

    @Test
    void aPrefixedKeyIsOneKey() {
        LabelSelector selector = LabelSelectors.parse("krm-sync.io/propagation=enabled");

        assertThat(LabelSelectors.matches(selector, Map.of("krm-sync.io/propagation", "enabled"))).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("krm-sync.io/propagation", "disabled"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("propagation", "enabled"))).isFalse();
    }

    @Test
    void inequalityAlsoMatchesObjectsWithoutTheLabel() {
        LabelSelector selector = LabelSelectors.parse("env!=prod");

        assertThat(LabelSelectors.matches(selector, Map.of("env", "dev"))).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of())).isTrue();
        assertThat(LabelSelectors.matches(selector, PROD_EU)).isFalse();
    }

    @Test
    void setRequirementsKeepTheirCommas() {
        LabelSelector selector = LabelSelectors.parse("env in (prod, staging),region notin (us),team");

        assertThat(LabelSelectors.matches(selector, Map.of("env", "staging", "team", "a"))).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod", "region", "eu", "team", "a"))).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod", "region", "us", "team", "a"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "dev", "team", "a"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("env", "prod"))).isFalse();
    }

    @Test
    void existenceAndAbsence() {
        LabelSelector selector = LabelSelectors.parse("team,!frozen");

        assertThat(LabelSelectors.matches(selector, Map.of("team", ""))).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("team", "a", "frozen", "yes"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of())).isFalse();
    }

    @Test
    void whatIsNotASelectorIsRefusedNamingThePart() {
        for (String bad : new String[] { "", "env=prod,", "env in ()", "env in (a b)", "env >= 3", "env=pr od" }) {
            assertThatThrownBy(() -> LabelSelectors.parse(bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a label selector");
        }
        assertThatThrownBy(() -> LabelSelectors.parse("env=prod, tier in (a b)"))
                .hasMessageContaining("'tier in (a b)' is none of");
    }

    @Test
    void aParsedSelectorHasNoProblems() {
        assertThat(LabelSelectors.problems(LabelSelectors.parse("a=b,c!=d,e in (f,g),h notin (i),j,!k"))).isEmpty();
    }
}
