package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileSwitchSourceTest {

    @TempDir
    Path dir;

    private KillSwitchRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private Path write(String name, String content) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, content);
        return Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void readsThePropertiesFormatWithAttributes() throws Exception {
        Path file = write("switches.properties", """
                # ops-managed
                search = killed
                search[reason] = index rebuild
                search[actor] = alice
                search[expires-at] = 2030-01-01T00:00:00Z
                exports = Enabled
                """);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2029-12-31T23:00:00Z")));
        FileSwitchSource source = FileSwitchSource.builder(file).build();

        SourceReading reading = source.read();

        assertThat(source.format()).isEqualTo(FileSwitchSource.Format.PROPERTIES);
        assertThat(source.name()).isEqualTo("file:" + file);
        assertThat(reading.settings())
                .containsEntry(
                        "search",
                        new SwitchSetting(
                                SwitchState.KILLED,
                                "index rebuild",
                                "alice",
                                Instant.parse("2029-12-31T23:00:00Z"),
                                Optional.of(Instant.parse("2030-01-01T00:00:00Z"))))
                .containsEntry("exports", SwitchSetting.of(SwitchState.ENABLED, Instant.parse("2029-12-31T23:00:00Z")));
    }

    @Test
    void readsTheJsonFormatInShortAndLongForm() throws Exception {
        Path file = write("switches.json", """
                { "switches": {
                    "search":  { "state": "killed", "reason": "index rebuild", "actor": "alice",
                                 "changedAt": "2029-12-31T22:00:00Z", "expiresAt": "2030-01-01T00:00:00Z" },
                    "exports": "enabled" } }
                """);
        SourceReading reading = FileSwitchSource.builder(file).build().read();
        assertThat(reading.settings().get("search"))
                .isEqualTo(new SwitchSetting(
                        SwitchState.KILLED,
                        "index rebuild",
                        "alice",
                        Instant.parse("2029-12-31T22:00:00Z"),
                        Optional.of(Instant.parse("2030-01-01T00:00:00Z"))));
        assertThat(reading.settings().get("exports").state()).isEqualTo(SwitchState.ENABLED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            bad state          | search = off                                         | switch 'search': state must be 'enabled' or 'killed' (was 'off')
            bad name           | Search = killed                                      | switch name must be lowercase
            unknown attribute  | search = killed\\nsearch[expiry] = 2030-01-01T00:00:00Z | attribute must be reason, actor or expires-at (was 'expiry')
            attribute only     | search[reason] = why                                 | switch 'search' has attributes but no state
            bad expiry         | search = killed\\nsearch[expires-at] = tomorrow       | expires-at must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was 'tomorrow')
            unclosed bracket   | search[reason = x                                    | `key must be <switch> or <switch>[reason|actor|expires-at] (was 'search[reason')`
            """)
    void malformedPropertiesAreRejectedWholeWithAClearMessage(String what, String content, String message)
            throws Exception {
        Path file = write("bad.properties", "exports = killed\n" + content.replace("\\n", "\n") + "\n");
        FileSwitchSource source = FileSwitchSource.builder(file).build();
        assertThatThrownBy(source::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not json           | {"switches": {"search": "killed"}                       | not valid JSON
            not an object      | ["search"]                                             | must be a JSON object with a "switches" object
            unknown top level  | {"switches": {}, "version": 2}                         | unknown top-level field 'version'
            switches not object| {"switches": ["search"]}                               | "switches" must be a JSON object
            bad state          | {"switches": {"search": "paused"}}                     | switch 'search': state must be 'enabled' or 'killed' (was 'paused')
            typo in field      | {"switches": {"search": {"state": "killed", "expires_at": "2030-01-01T00:00:00Z"}}} | unknown field 'expires_at'
            missing state      | {"switches": {"search": {"reason": "x"}}}              | "state" is required
            bad name           | {"switches": {"search!": "killed"}}                    | (was 'search!')
            bad instant        | {"switches": {"search": {"state": "killed", "expiresAt": "soon"}}} | "expiresAt" must be an ISO-8601 instant
            number state       | {"switches": {"search": 1}}                            | must be a state string or an object
            duplicate key      | {"switches": {"search": "killed", "search": "enabled"}} | not valid JSON: Duplicate field 'search'
            trailing tokens    | {"switches": {}} {}                                    | not valid JSON
            """)
    void malformedJsonIsRejectedWholeWithAClearMessage(String what, String content, String message) throws Exception {
        Path file = write("bad.json", content);
        FileSwitchSource source = FileSwitchSource.builder(file).build();
        assertThatThrownBy(source::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aFileThatIsNotUtf8OrTooLargeIsMalformed() throws Exception {
        Path latin1 = dir.resolve("latin1.properties");
        Files.write(latin1, "search[reason] = caf\u00e9\nsearch = killed\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(FileSwitchSource.builder(latin1).build()::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageContaining("not UTF-8 text");

        Path big = write("big.properties", "search = killed\n".repeat(100));
        assertThatThrownBy(FileSwitchSource.builder(big).maxBytes(100).build()::read)
                .isInstanceOf(MalformedSwitchPayloadException.class)
                .hasMessageContaining("file is 1600 bytes, more than the limit of 100");
    }

    @Test
    void aMissingFileIsAFailedReadNotAnEmptyOne() {
        FileSwitchSource source =
                FileSwitchSource.builder(dir.resolve("absent.properties")).build();
        assertThatThrownBy(source::read).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void builderOptionsAreValidated() {
        assertThatThrownBy(() ->
                        FileSwitchSource.builder(dir.resolve("switches.yaml")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format cannot be told from the file name")
                .hasMessageContaining("switches.yaml");
        assertThatThrownBy(() -> FileSwitchSource.builder(dir.resolve("s.json"))
                        .pollInterval(Duration.ofMillis(-5))
                        .build())
                .hasMessage("pollInterval must be > 0 (was PT-0.005S)");
        assertThatThrownBy(() -> FileSwitchSource.builder(dir.resolve("s.json"))
                        .maxBytes(0)
                        .build())
                .hasMessage("maxBytes must be > 0 (was 0)");
        assertThatThrownBy(() -> FileSwitchSource.builder(dir.resolve("s.json"))
                        .name(" ")
                        .build())
                .hasMessage("name must not be blank (was ' ')");
        assertThat(FileSwitchSource.builder(dir.resolve("switches.conf"))
                        .format(FileSwitchSource.Format.PROPERTIES)
                        .build()
                        .format())
                .isEqualTo(FileSwitchSource.Format.PROPERTIES);
    }

    @Test
    void aWatchedFileChangeReachesTheRegistryAndABadEditKeepsTheLastGoodState() throws Exception {
        Path file = write("switches.json", "{\"switches\": {}}");
        FileSwitchSource source = FileSwitchSource.builder(file)
                .pollInterval(Duration.ofHours(1)) // only the watcher can bring changes in time
                .build();
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .declare("exports")
                .source(source)
                .build();
        KillSwitch search = registry.killSwitch("search");
        assertThat(search.isEnabled()).isTrue();
        assertThat(DrkitThreads.alive()).contains("drkit-killswitch-file-watch-switches.json");

        write("switches.json", "{\"switches\": {\"search\": {\"state\": \"killed\", \"reason\": \"reindex\"}}}");
        await().atMost(Duration.ofSeconds(10)).until(search::isKilled);
        assertThat(search.status().reason()).isEqualTo("reindex");
        assertThat(search.status().source()).isEqualTo(source.name());

        write("switches.json", "{\"switches\": {\"search\": \"enabled\", \"exports\": \"kiled\"}}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.sourceStatus(source.name()).consecutiveFailures() > 0);
        assertThat(search.isKilled()).as("nothing of the bad edit applied").isTrue();
        assertThat(registry.killSwitch("exports").isEnabled()).isTrue();
        assertThat(registry.sourceStatus(source.name()).lastError().orElseThrow())
                .contains("switch 'exports': state must be 'enabled' or 'killed' (was 'kiled')");

        write("switches.json", "{\"switches\": {}}");
        await().atMost(Duration.ofSeconds(10)).until(search::isEnabled);
    }

    @Test
    void withoutWatchingTheFileIsPolled() throws Exception {
        Path file = write("switches.properties", "");
        registry = KillSwitchRegistry.builder()
                .declare("search")
                .source(FileSwitchSource.builder(file)
                        .watch(false)
                        .pollInterval(Duration.ofMillis(50))
                        .build())
                .build();
        assertThat(DrkitThreads.alive()).noneMatch(name -> name.startsWith("drkit-killswitch-file-watch"));
        write("switches.properties", "search = killed\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.killSwitch("search").isKilled());
    }
}
