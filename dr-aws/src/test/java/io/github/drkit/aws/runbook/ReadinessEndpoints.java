package io.github.drkit.aws.runbook;

import com.sun.net.httpserver.HttpServer;
import io.github.drkit.aws.SsmSwitchSource;
import io.github.drkit.killswitch.DrainSwitchNames;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One HTTP server per region answering {@code GET /dr/route53} exactly as the starter's
 * Route53HealthFilter does ({@code DR_READY region=<r> role=writer} with 200, or {@code UNAVAILABLE
 * region=<r> role=writer reasons=<codes>} with 503), from the same inputs: the region is drained when
 * drkit's real {@link SsmSwitchSource}, reading that region's SSM stand-in, says {@code
 * region-traffic.<region>} is killed (read at each request: the starter's registry would see it within its poll
 * interval); it has a writer when the Aurora stand-in's writer is in that region.
 * The starter itself cannot run here: it depends on dr-aws, so dr-aws's tests cannot depend on it.
 */
final class ReadinessEndpoints implements AutoCloseable {

    private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> down = new ConcurrentHashMap<>();
    private final List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Starts a region's server.
     *
     * @param region the region
     * @param switches the region's switch source (real SsmSwitchSource on the region's SSM stand-in)
     * @param writerRegion where the writer is now
     */
    void start(String region, SsmSwitchSource switches, Supplier<String> writerRegion) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/dr/route53", exchange -> {
            List<String> reasons = new ArrayList<>();
            if (Boolean.TRUE.equals(down.get(region))) {
                reasons.add("no-writer");
            } else {
                SwitchSetting drain = switches.read().settings().get(DrainSwitchNames.forRegion(region));
                if (drain != null && drain.state() == SwitchState.KILLED) {
                    reasons.add("drained");
                }
                if (!writerRegion.get().equals(region)) {
                    reasons.add("writer-in-other-region");
                }
            }
            String body = reasons.isEmpty()
                    ? "DR_READY region=" + region + " role=writer\n"
                    : "UNAVAILABLE region=" + region + " role=writer reasons=" + String.join(",", reasons) + "\n";
            answers.add(body.trim());
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain;charset=US-ASCII");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(reasons.isEmpty() ? 200 : 503, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        servers.put(region, server);
    }

    /** Makes a region's app answer "no-writer" (its database is down) until told otherwise. */
    void databaseDown(String region, boolean isDown) {
        down.put(region, isDown);
    }

    URI url(String region) {
        return URI.create("http://127.0.0.1:" + servers.get(region).getAddress().getPort() + "/dr/route53");
    }

    List<String> answers() {
        return answers;
    }

    @Override
    public void close() {
        servers.values().forEach(s -> s.stop(0));
    }
}
