package io.github.drkit.aws.runbook.internal;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The runbook command line's configuration file: a properties file describing the two regions and the
 * AWS resources of the deployment. Every key is checked; an unknown key, a missing required key or a
 * bad value is refused with a message naming the key. Not API. Immutable.
 */
public final class CliConfig {

    private static final List<Pattern> KNOWN = List.of(
            Pattern.compile("home-region"),
            Pattern.compile("standby-region"),
            Pattern.compile("readiness\\.url\\.[a-z0-9-]+"),
            Pattern.compile("readiness\\.(timeout|poll-interval|match-string)"),
            Pattern.compile("drain\\.ssm\\.path"),
            Pattern.compile("drain\\.switch"),
            Pattern.compile("aurora\\.global-cluster-identifier"),
            Pattern.compile("aurora\\.cluster\\.[a-z0-9-]+"),
            Pattern.compile("aurora\\.(operation-timeout|poll-interval)"),
            Pattern.compile("rds\\.replica\\.instance-id"),
            Pattern.compile("rds\\.replica\\.timeout"),
            Pattern.compile("arc\\.endpoints"),
            Pattern.compile("arc\\.control\\.[a-z0-9-]+"),
            Pattern.compile(
                    "route53\\.(hosted-zone-id|record\\.name|record\\.type|poll-interval|change-timeout|region)"),
            Pattern.compile("route53\\.alias\\.[a-z0-9-]+"),
            Pattern.compile("route53\\.values\\.[a-z0-9-]+"),
            Pattern.compile("route53\\.ttl"),
            Pattern.compile("endpoint\\.(rds|ssm)\\.[a-z0-9-]+"),
            Pattern.compile("endpoint\\.route53"));

    private final Path file;
    private final Map<String, String> values;

    private CliConfig(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    /**
     * Reads and checks a configuration file.
     *
     * @param file the file
     * @return the configuration
     * @throws IllegalArgumentException naming the file and key if a key is unknown or required keys are
     *     missing
     * @throws IOException if the file cannot be read
     */
    public static CliConfig read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> values = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).trim();
            if (KNOWN.stream().noneMatch(p -> p.matcher(key).matches())) {
                unknown.add(key);
            }
            values.put(key, value);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    file + ": unknown key(s) " + unknown + " (see docs/runbook-regional-failover.md for the keys)");
        }
        CliConfig config = new CliConfig(file, values);
        config.required("home-region");
        config.required("standby-region");
        config.required("drain.ssm.path");
        config.required("readiness.url." + config.homeRegion());
        config.required("readiness.url." + config.standbyRegion());
        if (config.has("aurora.global-cluster-identifier") && config.has("rds.replica.instance-id")) {
            throw new IllegalArgumentException(
                    file + ": set aurora.global-cluster-identifier or" + " rds.replica.instance-id, not both");
        }
        return config;
    }

    /**
     * Whether a key is set.
     *
     * @param key the key
     * @return {@code true} if set and not blank
     */
    public boolean has(String key) {
        String value = values.get(key);
        return value != null && !value.isBlank();
    }

    /**
     * A required value.
     *
     * @param key the key
     * @return the value
     * @throws IllegalArgumentException naming the file and the key if it is missing
     */
    public String required(String key) {
        if (!has(key)) {
            throw new IllegalArgumentException(file + ": " + key + " is required");
        }
        return values.get(key);
    }

    /**
     * An optional value.
     *
     * @param key the key
     * @return the value, if set
     */
    public Optional<String> optional(String key) {
        return has(key) ? Optional.of(values.get(key)) : Optional.empty();
    }

    /**
     * A duration ({@code 4s}, {@code 500ms}, {@code 2m}, {@code PT4S}) or its default.
     *
     * @param key the key
     * @param fallback the default
     * @return the duration
     * @throws IllegalArgumentException naming the key and the value
     */
    public Duration duration(String key, Duration fallback) {
        if (!has(key)) {
            return fallback;
        }
        String text = values.get(key);
        Duration parsed;
        try {
            parsed = text.startsWith("P")
                    ? Duration.parse(text)
                    : text.endsWith("ms")
                            ? Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)))
                            : switch (text.charAt(text.length() - 1)) {
                                case 's' -> Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
                                case 'm' -> Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
                                case 'h' -> Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
                                default -> throw new NumberFormatException(text);
                            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    file + ": " + key + " must be a duration such as 5s, 500ms, 10m or PT5S (was \"" + text + "\")");
        }
        if (parsed.isZero() || parsed.isNegative()) {
            throw new IllegalArgumentException(file + ": " + key + " must be > 0 (was " + text + ")");
        }
        return parsed;
    }

    /**
     * A URI value.
     *
     * @param key the key
     * @return the URI, if set
     * @throws IllegalArgumentException naming the key if it is not an http(s) URI
     */
    public Optional<URI> uri(String key) {
        return optional(key).map(text -> {
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + key + " is not a URI (was \"" + text + "\")");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException(file + ": " + key + " must be http or https (was " + text + ")");
            }
            return uri;
        });
    }

    /**
     * The home region.
     *
     * @return {@code home-region}
     */
    public String homeRegion() {
        return required("home-region");
    }

    /**
     * The standby region.
     *
     * @return {@code standby-region}
     */
    public String standbyRegion() {
        return required("standby-region");
    }

    /**
     * The file read.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }
}
