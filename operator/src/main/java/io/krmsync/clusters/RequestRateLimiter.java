package io.krmsync.clusters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * A token bucket in front of one cluster's client, as client-go's QPS/burst: a request waits for a token before it is
 * sent, so one busy reconciler cannot flood a remote API server. The wait happens on the calling thread.
 */
final class RequestRateLimiter implements Interceptor {

    static final String NAME = "krm-sync-rate-limit";

    private final LongSupplier nanoTime;
    private final double tokensPerNano;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    RequestRateLimiter(double qps, int burst) {
        this(qps, burst, System::nanoTime);
    }

    RequestRateLimiter(double qps, int burst, LongSupplier nanoTime) {
        if (qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("qps must be > 0 and burst >= 1, got qps=" + qps + " burst=" + burst);
        }
        this.tokensPerNano = qps / TimeUnit.SECONDS.toNanos(1);
        this.capacity = burst;
        this.tokens = burst;
        this.nanoTime = nanoTime;
        this.refilledAt = nanoTime.getAsLong();
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        long waitNanos = reserve();
        if (waitNanos > 0) {
            LockSupport.parkNanos(waitNanos);
        }
    }

    /** Takes a token, possibly one not yet refilled, and returns how long to wait for it. */
    synchronized long reserve() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
    }
}
