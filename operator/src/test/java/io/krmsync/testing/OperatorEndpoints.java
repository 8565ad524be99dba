package io.krmsync.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** What Prometheus and the kubelet read from the running operator: {@code curl localhost:PORT/q/...}. */
public record OperatorEndpoints(int port) {

    public HttpResponse<String> get(String path) {
        // HTTP/1.1, as Prometheus and the kubelet use: the default HTTP/2 upgrade (h2c) broke on large /q/metrics
        // answers ("Frame type(114) ... exceeds MAX_FRAME_SIZE").
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("GET " + path + " interrupted", e);
        }
    }

    public String health() {
        return get("/q/health").body();
    }

    public String metrics() {
        return get("/q/metrics").body();
    }
}
