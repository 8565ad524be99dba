package io.krmsync.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The phases of a benchmark's rounds by kind ("floor", "convergence", ...), in round order. Round 1 runs in a cold
 * JVM, so the figures' medians are taken over the warm rounds; the floor and the operator's phases alternate within a
 * round, so that drift (JIT warm-up, load from other processes) hits both alike.
 */
final class Rounds {

    private final Map<String, List<Phase>> phases = new LinkedHashMap<>();

    void add(String kind, Phase phase) {
        phases.computeIfAbsent(kind, k -> new ArrayList<>()).add(phase);
    }

    /** Every round's phase of this kind. */
    List<Phase> all(String kind) {
        return phases.getOrDefault(kind, List.of());
    }

    Phase last(String kind) {
        return all(kind).getLast();
    }

    /** Rounds 2 and later (the first runs in a cold JVM), or round 1 if it is the only one. */
    List<Phase> warm(String kind) {
        List<Phase> all = all(kind);
        return all.size() > 1 ? all.subList(1, all.size()) : all;
    }

    /** Each phase's seconds from its start until converged. */
    static List<Double> seconds(List<Phase> phases) {
        return phases.stream().map(Phase::seconds).toList();
    }

    /** Each phase's seconds over those of the baseline phase of the same round. */
    static List<Double> ratios(List<Phase> phases, List<Phase> baselines) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            ratios.add(phases.get(i).seconds() / baselines.get(i).seconds());
        }
        return ratios;
    }
}
