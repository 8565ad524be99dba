package io.krmsync.benchmark;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.krmsync.benchmark.PropagationClusters.RequestCounter;

/**
 * CPU and GC time of this JVM (servers, operator and benchmark all run in it), by thread group, and what other
 * processes used and the hypervisor stole meanwhile: take {@link #now()} before and after a window, then
 * {@link #minus}.
 */
record Cpu(long cpuNanos, long gcMillis, long gcCount, Map<Long, Long> threadCpu, Map<Long, String> threadNames,
        Map<String, Long> byGroup, double utilisation, long[] machineTicks, long othersNanos, long stealNanos) {

    static Cpu now() {
        long cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
        long gc = 0;
        long gcCount = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, bean.getCollectionTime());
            gcCount += Math.max(0, bean.getCollectionCount());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> threadCpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                threadCpu.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
        return new Cpu(cpu, gc, gcCount, threadCpu, names, Map.of(), 0, readMachineTicks(), -1, -1);
    }

    /** Busy and steal ticks of all CPUs from /proc/stat (USER_HZ, 100 a second); null elsewhere. */
    private static long[] readMachineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            return new long[] { busy, Long.parseLong(f[8]) };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    Cpu minus(Cpu earlier, long wallNanos) {
        return minus(earlier, wallNanos, id -> RequestCounter.SERVER_THREADS.contains(id) ? "API servers" : null);
    }

    /** @param serverThread the group of an API server's thread, null for any other thread */
    Cpu minus(Cpu earlier, long wallNanos, Function<Long, String> serverThread) {
        long cpu = cpuNanos - earlier.cpuNanos;
        Map<String, Long> groups = new TreeMap<>();
        threadCpu.forEach((id, nanos) -> {
            long delta = nanos - earlier.threadCpu.getOrDefault(id, 0L);
            if (nanos >= 0 && delta > 0) {
                String server = serverThread.apply(id);
                groups.merge(server != null ? server : group(id, threadNames.get(id)), delta, Long::sum);
            }
        });
        long others = -1;
        long steal = -1;
        if (machineTicks != null && earlier.machineTicks != null) {
            others = Math.max(0, (machineTicks[0] - earlier.machineTicks[0]) * 10_000_000L - cpu);
            steal = (machineTicks[1] - earlier.machineTicks[1]) * 10_000_000L;
        }
        return new Cpu(cpu, gcMillis - earlier.gcMillis, gcCount - earlier.gcCount, threadCpu, threadNames, groups,
                cpu / (wallNanos * (double) Runtime.getRuntime().availableProcessors()), machineTicks, others,
                steal);
    }

    private static String group(long id, String name) {
        if (ReconcileTracker.RECONCILER_THREADS.contains(id)) {
            return "reconciler threads";
        }
        if (name.startsWith("ForkJoinPool-")) {
            return "virtual-thread carriers";
        }
        if (name.startsWith("vert.x-eventloop")) {
            return "clients' vert.x event loops";
        }
        if (name.startsWith("benchmark-floor")) {
            return "floor threads";
        }
        if (name.equals("main")) {
            return "benchmark main";
        }
        if (name.matches("-?[0-9]+-pool-[0-9]+-thread-[0-9]+")) {
            return "fabric8 informer/watch handlers";
        }
        if (name.matches("pool-[0-9]+-thread-[0-9]+")) {
            return "executors (pool-N)";
        }
        return name.replaceAll("[0-9]+", "N");
    }

    String top(int count) {
        return byGroup.entrySet().stream().sorted(Map.Entry.<String, Long> comparingByValue().reversed())
                .limit(count).map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue() / 1e9))
                .collect(Collectors.joining("; "));
    }

    String summary() {
        return String.format(Locale.ROOT, "%.1f s CPU (%.0f%% of all cores), GC %d ms; others/steal %.1f / %.1f s",
                cpuNanos / 1e9, utilisation * 100, gcMillis, othersNanos / 1e9, stealNanos / 1e9);
    }
}
