package io.github.drkit.samples.gameday;

import io.github.drkit.killswitch.DrainSwitchNames;
import io.github.drkit.samples.orders.OrdersApplication;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * One region's instance of the orders service, started in this JVM on a random port against the
 * drill's database, and the operator's HTTP calls to it ({@code killswitches}, {@code dr}) with the
 * demo operator's credentials. {@link #close()} stops it.
 */
public final class OrdersRegion implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String region;
    private final ConfigurableApplicationContext context;
    private final URI base;
    private final String authorization;
    private final ExecutorService httpThreads;
    private final HttpClient http;

    private OrdersRegion(String name, String region, ConfigurableApplicationContext context, String password) {
        this.name = name;
        this.region = region;
        this.context = context;
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        this.base = URI.create("http://127.0.0.1:" + port);
        this.authorization = "Basic "
                + Base64.getEncoder().encodeToString(("operator:" + password).getBytes(StandardCharsets.UTF_8));
        this.httpThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gameday-operator-" + name);
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .executor(httpThreads)
                .build();
    }

    /**
     * Starts the service for one region.
     *
     * @param name a short name, e.g. {@code seoul}
     * @param region its region, e.g. {@code ap-northeast-2}
     * @param database the database; the service reaches both nodes through their proxies
     * @param operatorPassword the demo operator's password for this drill
     * @param extra further properties, e.g. {@code dr.objectives.orders.rpo=1s}
     * @return the running service; close it
     */
    public static OrdersRegion start(
            String name, String region, DrillDatabase database, String operatorPassword, Map<String, String> extra) {
        return start(name, region, database, operatorPassword, extra, 0);
    }

    /**
     * Starts the service for one region on a given port (one reserved earlier, so DNS can name the
     * region before its service runs: a pilot light).
     *
     * @param name a short name, e.g. {@code tokyo}
     * @param region its region
     * @param database the database
     * @param operatorPassword the demo operator's password for this drill
     * @param extra further properties
     * @param port the HTTP port, 0 for any free one
     * @return the running service; close it
     */
    public static OrdersRegion start(
            String name,
            String region,
            DrillDatabase database,
            String operatorPassword,
            Map<String, String> extra,
            int port) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + port);
        args.add("--server.shutdown=immediate");
        args.add("--spring.main.banner-mode=off");
        args.add("--spring.application.name=orders-" + name);
        args.add("--dr.region=" + region);
        args.add("--orders.embedded-cluster.enabled=false");
        args.add("--orders.operator.password=" + operatorPassword);
        endpoint(args, 0, "seoul-1", "ap-northeast-2", database.seoulServiceUrl(), database);
        endpoint(args, 1, "tokyo-1", "ap-northeast-1", database.tokyoServiceUrl(), database);
        extra.forEach((k, v) -> args.add("--" + k + "=" + v));
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(OrdersApplication.class).run(args.toArray(String[]::new));
        try {
            return new OrdersRegion(name, region, context, operatorPassword);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    private static void endpoint(List<String> args, int i, String name, String region, String url, DrillDatabase db) {
        String p = "--dr.datasource.endpoints[" + i + "].";
        args.add(p + "name=" + name);
        args.add(p + "region=" + region);
        args.add(p + "url=" + url);
        args.add(p + "username=" + db.username());
        args.add(p + "password=" + db.password());
    }

    /**
     * The short name.
     *
     * @return e.g. {@code seoul}
     */
    public String name() {
        return name;
    }

    /**
     * The region.
     *
     * @return e.g. {@code ap-northeast-2}
     */
    public String region() {
        return region;
    }

    /**
     * The service's base URI.
     *
     * @return e.g. {@code http://127.0.0.1:40123}
     */
    public URI base() {
        return base;
    }

    /**
     * This region's drain switch, as the starter names it by default: {@code region-traffic.<region>}.
     * Killed (on an instance, or in a fleet source), it drains this region only.
     *
     * @return e.g. {@code region-traffic.ap-northeast-2}
     */
    public String drainSwitch() {
        return DrainSwitchNames.forRegion(region);
    }

    /**
     * Kills a switch (or profile) through {@code POST /actuator/killswitches/{name}}, as an operator.
     *
     * @param switchName e.g. {@link #drainSwitch()} or {@code drkit.writes}
     * @param reason why
     * @throws IllegalStateException if the service does not answer 200
     */
    public void kill(String switchName, String reason) {
        String body = JSON.writeValueAsString(Map.of("state", "killed", "reason", reason));
        expect200(
                "kill " + switchName,
                HttpRequest.newBuilder(base.resolve("/actuator/killswitches/" + switchName))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * Clears the operator override of a switch through {@code DELETE /actuator/killswitches/{name}}.
     *
     * @param switchName the switch
     * @param reason why
     * @throws IllegalStateException if the service does not answer 200
     */
    public void clear(String switchName, String reason) {
        expect200(
                "clear " + switchName,
                HttpRequest.newBuilder(base.resolve("/actuator/killswitches/" + switchName + "?reason="
                                + URLEncoder.encode(reason, StandardCharsets.UTF_8)))
                        .DELETE());
    }

    /**
     * The {@code dr} endpoint's answer.
     *
     * @return the JSON
     * @throws IllegalStateException if the service does not answer 200
     */
    public JsonNode dr() {
        try {
            return JSON.readTree(expect200(
                    "read /actuator/dr",
                    HttpRequest.newBuilder(base.resolve("/actuator/dr")).GET()));
        } catch (JacksonException e) {
            throw new IllegalStateException("the dr endpoint of " + name + " answered malformed JSON", e);
        }
    }

    /**
     * The {@code info} endpoint's answer (the sample's data-class matrix is under {@code
     * dataClasses}).
     *
     * @return the JSON
     * @throws IllegalStateException if the service does not answer 200
     */
    public JsonNode info() {
        try {
            return JSON.readTree(expect200(
                    "read /actuator/info",
                    HttpRequest.newBuilder(base.resolve("/actuator/info")).GET()));
        } catch (JacksonException e) {
            throw new IllegalStateException("the info endpoint of " + name + " answered malformed JSON", e);
        }
    }

    /**
     * How many connections this service's router has handed out to an endpoint for an intent
     * ({@code drkit.routing.decisions} on the {@code metrics} endpoint).
     *
     * @param endpoint e.g. {@code tokyo-1}
     * @param intent {@code read} or {@code write}
     * @return the count, 0 if the meter does not exist yet
     * @throws IllegalStateException if the service does not answer
     */
    public long routed(String endpoint, String intent) {
        URI uri = base.resolve(
                "/actuator/metrics/drkit.routing.decisions?tag=endpoint:" + endpoint + "&tag=intent:" + intent);
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri)
                            .header("Authorization", authorization)
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return 0;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException(name + ": metrics answered " + r.statusCode() + ": " + r.body());
            }
            return (long) JSON.readTree(r.body()).at("/measurements/0/value").asDouble();
        } catch (IOException e) {
            throw new IllegalStateException(name + ": reading drkit.routing.decisions failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted reading drkit.routing.decisions", e);
        }
    }

    private String expect200(String what, HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(
                    request.header("Authorization", authorization)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(name + ": " + what + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException(name + ": " + what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted during " + what, e);
        }
    }

    /** Stops the service. Idempotent. */
    @Override
    public void close() {
        try {
            context.close();
        } finally {
            httpThreads.shutdownNow();
            try {
                httpThreads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
