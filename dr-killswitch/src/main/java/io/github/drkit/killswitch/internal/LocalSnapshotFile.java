package io.github.drkit.killswitch.internal;

import io.github.drkit.killswitch.MalformedSwitchPayloadException;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The local copy of what each source last said, so that a process that starts while a fleet source
 * is down can start from the last known settings instead of the declared defaults. A properties file:
 * key {@code <switch>@<source>}, value {@code state|changedAt|expiresAt|actor|reason} (empty expiresAt
 * for none; actor and reason URL-encoded so that they cannot contain the separator). Written atomically (temporary file, then rename). Not API.
 */
public final class LocalSnapshotFile {

    private final Path path;

    /**
     * Creates the handle; nothing is read or written yet.
     *
     * @param path the file
     */
    public LocalSnapshotFile(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    /**
     * The file.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * Reads the file.
     *
     * @return settings by source name, then switch name; empty if the file does not exist
     * @throws IOException if the file cannot be read
     * @throws MalformedSwitchPayloadException if an entry cannot be understood
     */
    public Map<String, Map<String, SwitchSetting>> load() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException missing) {
            return Map.of();
        }
        Map<String, Map<String, SwitchSetting>> bySource = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            int at = key.indexOf('@');
            if (at <= 0 || at == key.length() - 1) {
                throw new MalformedSwitchPayloadException(
                        "local snapshot " + path + ": key must be <switch>@<source> (was '" + key + "')");
            }
            String value = properties.getProperty(key);
            String[] parts = value.split("\\|", 5);
            if (parts.length != 5) {
                throw new MalformedSwitchPayloadException("local snapshot " + path + ": value of '" + key
                        + "' must be state|changedAt|expiresAt|actor|reason (was '" + value + "')");
            }
            try {
                SwitchSetting setting = new SwitchSetting(
                        SwitchState.parse(parts[0]),
                        URLDecoder.decode(parts[4], StandardCharsets.UTF_8),
                        URLDecoder.decode(parts[3], StandardCharsets.UTF_8),
                        Instant.parse(parts[1]),
                        parts[2].isEmpty() ? Optional.empty() : Optional.of(Instant.parse(parts[2])));
                bySource.computeIfAbsent(key.substring(at + 1), s -> new LinkedHashMap<>())
                        .put(key.substring(0, at), setting);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new MalformedSwitchPayloadException(
                        "local snapshot " + path + ": bad value of '" + key + "': " + e.getMessage(), e);
            }
        }
        return bySource;
    }

    /**
     * Replaces the file with these settings.
     *
     * @param bySource settings by source name, then switch name
     * @param writtenAt when, for the header comment
     * @throws IOException if the file cannot be written
     */
    public void write(Map<String, Map<String, SwitchSetting>> bySource, Instant writtenAt) throws IOException {
        Properties properties = new Properties();
        bySource.forEach((source, settings) -> settings.forEach((name, s) -> properties.setProperty(
                name + "@" + source,
                s.state().externalName() + "|" + s.changedAt() + "|"
                        + s.expiresAt().map(Instant::toString).orElse("") + "|"
                        + URLEncoder.encode(s.actor(), StandardCharsets.UTF_8) + "|"
                        + URLEncoder.encode(s.reason(), StandardCharsets.UTF_8))));
        StringWriter text = new StringWriter();
        properties.store(text, "drkit kill-switch local snapshot: what each source last said (" + writtenAt + ")");
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                writer.write(text.toString());
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
