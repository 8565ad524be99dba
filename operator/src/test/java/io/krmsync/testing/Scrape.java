package io.krmsync.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** One scrape of {@code /q/metrics}, read as Prometheus reads the text format: samples with their labels. */
public record Scrape(List<Sample> samples) {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public static Scrape of(OperatorEndpoints operator) {
        return parse(operator.metrics());
    }

    public static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new Scrape(samples);
    }

    /** Every sample name: histograms as their _bucket, _count and _sum series, counters with _total. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(sample -> names.add(sample.name()));
        return names;
    }

    public List<Sample> samples(String name) {
        return samples.stream().filter(sample -> sample.name().equals(name)).toList();
    }

    /** The value of the one series of this name whose labels include these. */
    public Optional<Double> value(String name, Map<String, String> labels) {
        List<Sample> matching = samples(name).stream()
                .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet())).toList();
        if (matching.size() > 1) {
            throw new IllegalStateException(matching.size() + " series of " + name + " match " + labels + ": " + matching);
        }
        return matching.stream().findFirst().map(Sample::value);
    }

    /** The value a {@code *_timestamp_seconds} gauge shows for a time as Kubernetes writes it (RFC 3339). */
    public static double timestampSeconds(String time) {
        Instant instant = Instant.parse(time);
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }

    private static Sample sample(String line) {
        int braces = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        if (braces < 0) {
            return new Sample(line.substring(0, line.indexOf(' ')), Map.of(), value(line.substring(space + 1)));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        int i = braces + 1;
        while (line.charAt(i) != '}') {
            int equals = line.indexOf('=', i);
            String label = line.substring(i, equals);
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            for (; line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    char escaped = line.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            labels.put(label, value.toString());
            i = line.charAt(j + 1) == ',' ? j + 2 : j + 1;
        }
        return new Sample(line.substring(0, braces), labels, value(line.substring(space + 1)));
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
