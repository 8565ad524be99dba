package io.krmsync.benchmark;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A benchmark's printed report: header lines (the machine, JVM and libraries first), a table of figures (#, figure,
 * value, note), an optional table with one line per round, and notes. Printed to stdout and written to a file.
 */
class FigureReport {

    final List<String> head = new ArrayList<>();
    final List<String[]> rows = new ArrayList<>();
    final List<String[]> roundRows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    private final String title;
    private String roundsCaption;
    private String[] roundsHeader;

    FigureReport(String title) {
        this.title = title;
    }

    /** The caption and column names of the rounds table, whose lines go to {@link #roundRows}. */
    void roundsTable(String caption, String... header) {
        this.roundsCaption = caption;
        this.roundsHeader = header;
    }

    /** The machine (cores, CPU, RAM, load), the JVM and the libraries, {@code client}'s HTTP client among them. */
    void machine(KubernetesClient client) {
        Runtime runtime = Runtime.getRuntime();
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize()
                : -1;
        head.add(String.format(Locale.ROOT, "machine: %d cores, %s, %d MiB RAM, load average %.2f at start",
                runtime.availableProcessors(), cpuModel(), memory >> 20,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        head.add(String.format(Locale.ROOT, "JVM: %s %s (%s), max heap %d MiB, GC %s",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vendor"), runtime.maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining("/"))));
        head.add(String.format(Locale.ROOT, "libraries: operator SDK %s, fabric8 kubernetes-client %s (%s)",
                io.javaoperatorsdk.operator.api.config.Utils.VERSION.getSdkVersion(),
                io.fabric8.kubernetes.client.Version.clientVersion(),
                client.getHttpClient().getClass().getSimpleName()));
    }

    void row(String number, String figure, String value, String note) {
        rows.add(new String[] { number, figure, value, note });
    }

    void note(String line) {
        notes.add(line);
    }

    /**
     * For the rounds tables: CPU seconds other processes used / the hypervisor stole during a phase, each in
     * {@code format} ("%.1f"); empty where the machine does not tell.
     */
    static String othersAndSteal(Cpu cpu, String format) {
        return cpu.othersNanos() < 0 ? ""
                : String.format(Locale.ROOT, format + " / " + format, cpu.othersNanos() / 1e9, cpu.stealNanos() / 1e9);
    }

    void print(Path file) {
        StringBuilder out = new StringBuilder("\n=== " + title + " ===\n");
        head.forEach(line -> out.append(line).append('\n'));
        out.append('\n');
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
        int w2 = rows.stream().mapToInt(r -> r[2].length()).max().orElse(10);
        String format = "%-2s | %-" + w1 + "s | %" + w2 + "s | %s%n";
        out.append(String.format(Locale.ROOT, format, "#", "figure", "value", "note"));
        out.append("-".repeat(w1 + w2 + 40)).append('\n');
        rows.forEach(r -> out.append(String.format(Locale.ROOT, format, (Object[]) r)));
        if (!roundRows.isEmpty() && roundsHeader != null) {
            out.append('\n').append(roundsCaption).append('\n');
            List<String[]> table = new ArrayList<>();
            table.add(roundsHeader);
            table.addAll(roundRows);
            int[] widths = new int[roundsHeader.length];
            table.forEach(r -> {
                for (int i = 0; i < r.length; i++) {
                    widths[i] = Math.max(widths[i], r[i].length());
                }
            });
            table.forEach(r -> {
                for (int i = 0; i < r.length; i++) {
                    out.append(String.format(Locale.ROOT, i == 0 ? "%-" + widths[i] + "s" : " | %" + widths[i] + "s",
                            r[i]));
                }
                out.append('\n');
            });
        }
        out.append('\n');
        notes.forEach(line -> out.append(line).append('\n'));
        head.add(String.format(Locale.ROOT, "load average %.2f at end",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        out.append(head.getLast()).append('\n');
        System.out.println(out);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, out.toString());
        } catch (IOException e) {
            System.out.println("could not write " + file + ": " + e);
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }
}
