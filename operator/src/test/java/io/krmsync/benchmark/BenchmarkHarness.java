package io.krmsync.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import jdk.jfr.Recording;

/**
 * What every benchmark needs around its phases, made once per benchmark: its options (system properties under one
 * prefix), the request counts of its API servers by name, the waits (for the operator to go quiet, for the benchmark's
 * watch to see the copies), Java Flight Recorder profiles of the timed windows (option {@code jfr}) and its report
 * file. It opens the {@link PhaseWindow}s that measure the phases.
 */
final class BenchmarkHarness {

    /**
     * The in-memory API servers log every request at INFO: on the console that costs more than the request itself.
     * Held so that the level set on it stays (loggers are weakly referenced).
     */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    private final String prefix;
    private final FigureReport report;
    private final String profilePrefix;
    private final Map<String, Supplier<RequestCounts>> servers = new LinkedHashMap<>();
    private final Duration quiet;
    private final Duration timeout;
    private final boolean jfr;
    private final Path reportFile;
    private LongSupplier lastOperatorWrite = () -> 0;
    private Function<Long, String> serverThreads;

    /**
     * @param prefix of the options' system properties, e.g. {@code "benchmark.krmsyncer."}
     * @param reportFile where the report goes unless option {@code report} says otherwise
     * @param timeoutSeconds per phase, unless option {@code timeoutSeconds} says otherwise
     * @param profilePrefix of the JFR files' names, before the phase's label
     */
    BenchmarkHarness(String prefix, FigureReport report, String reportFile, long timeoutSeconds, String profilePrefix) {
        this.prefix = prefix;
        this.report = report;
        this.profilePrefix = profilePrefix;
        this.quiet = Duration.ofMillis(number("quietMillis", 3000));
        this.timeout = Duration.ofSeconds(number("timeoutSeconds", timeoutSeconds));
        this.jfr = flag("jfr");
        this.reportFile = Path.of(text("report", reportFile));
    }

    /** The content of every benchmark's sources: {@code keys} keys (key-00, ...) with values of about 60 bytes. */
    static Map<String, String> sourceData(int keys) {
        Map<String, String> data = new TreeMap<>();
        for (int i = 0; i < keys; i++) {
            data.put(String.format(Locale.ROOT, "key-%02d", i), String.format(Locale.ROOT, "value-%02d-", i) + "x".repeat(48));
        }
        return data;
    }

    // --- options ------------------------------------------------------------------------------------------------

    int integer(String name, int defaultValue) {
        return Integer.getInteger(prefix + name, defaultValue);
    }

    long number(String name, long defaultValue) {
        return Long.getLong(prefix + name, defaultValue);
    }

    boolean flag(String name) {
        return Boolean.getBoolean(prefix + name);
    }

    String text(String name, String defaultValue) {
        return System.getProperty(prefix + name, defaultValue);
    }

    /** How long the operator must do nothing before a phase counts as finished (option {@code quietMillis}). */
    Duration quiet() {
        return quiet;
    }

    Duration timeout() {
        return timeout;
    }

    // --- what the phases measure --------------------------------------------------------------------------------

    /** Counts the requests {@code server} (a server, or a group of them) answers in every phase. */
    BenchmarkHarness counting(String server, Supplier<RequestCounts> counts) {
        servers.put(server, counts);
        return this;
    }

    /** When the operator's last write was answered, at any server (System.nanoTime): part of "quiet". */
    BenchmarkHarness operatorWrites(LongSupplier lastWriteNanos) {
        this.lastOperatorWrite = lastWriteNanos;
        return this;
    }

    /** Which threads are the API servers', for {@link Cpu}; by default those of {@link PropagationClusters}. */
    BenchmarkHarness serverThreads(Function<Long, String> group) {
        this.serverThreads = group;
        return this;
    }

    /** A window for a phase; {@code operator} is the running one whose reconciler calls count, or null. */
    PhaseWindow open(String label, RunningOperator<?> operator) {
        return new PhaseWindow(this, label, operator, false);
    }

    /** A window for a timed phase, profiled by Java Flight Recorder with option {@code jfr}. */
    PhaseWindow profiled(String label, RunningOperator<?> operator) {
        return new PhaseWindow(this, label, operator, true);
    }

    Map<String, RequestCounts> requests() {
        Map<String, RequestCounts> counts = new LinkedHashMap<>();
        servers.forEach((server, supplier) -> counts.put(server, supplier.get()));
        return counts;
    }

    Cpu cpuSince(Cpu before, long wallNanos) {
        return serverThreads == null ? Cpu.now().minus(before, wallNanos)
                : Cpu.now().minus(before, wallNanos, serverThreads);
    }

    Recording startRecording(boolean profiled) {
        try {
            return Measurements.startRecording(profiled && jfr);
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot start a JFR recording", e);
        }
    }

    void stopRecording(Recording recording, String label) throws IOException {
        Path file = Measurements.stopRecording(recording,
                reportFile.toAbsolutePath().getParent().resolve(profilePrefix + label + ".jfr"));
        if (file != null) {
            report.note("JFR profile of " + label + ": " + file);
        }
    }

    // --- waits --------------------------------------------------------------------------------------------------

    /**
     * Waits until the operator has done nothing for the quiet period: no reconciliation submitted, running or
     * finished, no event received, no write by it at any server; and at least {@code minExecutions} reconciler calls
     * in all.
     *
     * @return when it last did something (at least {@code from})
     */
    long awaitQuiet(RunningOperator<?> operator, long from, long minExecutions) throws InterruptedException {
        return operator.probe().awaitQuiet(from, minExecutions, lastOperatorWrite, quiet, timeout);
    }

    /**
     * Every {@code pollMillis}, asks {@code seenAt} (the benchmark's own watch) when it saw the last event needed (-1
     * while it has not); once it has, confirms with the API servers ({@code confirmed}). Fails with {@code failure}
     * after the timeout.
     *
     * @return when the watch saw it, at least {@code start}
     */
    long awaitSeen(long start, long pollMillis, LongSupplier seenAt, BooleanSupplier confirmed,
            Supplier<String> failure) throws InterruptedException {
        long at = awaitSeen(start, timeout, pollMillis, seenAt, confirmed);
        if (at < 0) {
            throw new AssertionError(failure.get());
        }
        return at;
    }

    /** {@link #awaitSeen(long, long, LongSupplier, BooleanSupplier, Supplier)} for {@code limit}; -1 after it. */
    long awaitSeen(long start, Duration limit, long pollMillis, LongSupplier seenAt, BooleanSupplier confirmed)
            throws InterruptedException {
        long deadline = start + limit.toNanos();
        while (true) {
            long at = seenAt.getAsLong();
            if (at >= 0 && confirmed.getAsBoolean()) {
                return Math.max(at, start);
            }
            if (System.nanoTime() > deadline) {
                return -1;
            }
            Thread.sleep(pollMillis);
        }
    }

    /** Checks {@code condition} every {@code pollMillis} until it holds; fails with {@code failure} after the timeout. */
    void await(BooleanSupplier condition, long pollMillis, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            Thread.sleep(pollMillis);
        }
    }

    /** Prints the report and writes it to the report file (option {@code report}). */
    void printReport() {
        report.print(reportFile);
    }
}
