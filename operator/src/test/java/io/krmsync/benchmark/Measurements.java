package io.krmsync.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/** What the benchmarks compute and print the same way: percentiles, medians, ratios, durations, and JFR windows. */
final class Measurements {

    private Measurements() {
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds; p = 100 is the maximum. */
    static double pct(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }

    static long[] concat(long[] a, long[] b) {
        long[] all = new long[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Arrays.sort(all);
        return all;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String range(List<Double> values) {
        return String.format(Locale.ROOT, "rounds: %s s", values.stream().map(Measurements::twoDecimalsOf)
                .collect(Collectors.joining(", ")));
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }

    static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    static String twoDecimalsOf(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** "1.10x, 0.82x": ratios, e.g. one per round. */
    static String ratios(List<Double> ratios) {
        return ratios.stream().map(r -> String.format(Locale.ROOT, "%.2fx", r)).collect(Collectors.joining(", "));
    }

    /**
     * p50 and p99 of one segment of the samples' latency ({@code from} to {@code to}, System.nanoTime), over the samples
     * where both moments are known (a moment not seen is 0 or -1).
     */
    static <T> String segment(List<T> samples, ToLongFunction<T> from, ToLongFunction<T> to) {
        long[] values = samples.stream().filter(s -> from.applyAsLong(s) > 0 && to.applyAsLong(s) > 0)
                .mapToLong(s -> to.applyAsLong(s) - from.applyAsLong(s)).sorted().toArray();
        if (values.length == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "p50 %.2f, p99 %.2f ms%s", pct(values, 50), pct(values, 99),
                values.length < samples.size() ? " (" + values.length + " of " + samples.size() + ")" : "");
    }

    /**
     * Starts a Java Flight Recorder profile of a timed window when {@code enabled} (the benchmarks' {@code jfr}
     * option), else returns null: the "profile" settings plus CPU-time samples (JDK 25+, Linux), which attribute CPU
     * rather than wall time; on a loaded machine the two differ a lot.
     */
    static Recording startRecording(boolean enabled) throws IOException, ParseException {
        if (!enabled) {
            return null;
        }
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.enable("jdk.CPUTimeSample").with("throttle", "1ms");
        recording.start();
        return recording;
    }

    /** Stops a recording from {@link #startRecording} and writes it to {@code file}; null if there was none. */
    static Path stopRecording(Recording recording, Path file) throws IOException {
        if (recording == null) {
            return null;
        }
        recording.stop();
        Files.createDirectories(file.toAbsolutePath().getParent());
        recording.dump(file);
        recording.close();
        return file;
    }
}
