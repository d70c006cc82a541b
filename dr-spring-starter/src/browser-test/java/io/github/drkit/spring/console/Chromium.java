package io.github.drkit.spring.console;

import static org.awaitility.Awaitility.await;

import io.github.drkit.core.internal.json.JsonReader;
import io.github.drkit.core.internal.json.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, with nothing but the JDK's {@link
 * WebSocket}: Debian's {@code chromium} is started with {@code --remote-debugging-port=0}, its
 * browser endpoint read from {@code DevToolsActivePort} in a fresh profile directory. {@link #close}
 * kills the browser and every process it started and deletes the profile.
 */
final class Chromium implements AutoCloseable {

    /** Where Debian installs the browser; the Maven profile that adds this test checks the same path. */
    static final Path BINARY = Path.of("/usr/bin/chromium");

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<Map<String, Object>>> listeners = new CopyOnWriteArrayList<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /**
     * Starts a headless browser.
     *
     * @return the browser, connected
     */
    static Chromium start() throws IOException {
        Path profile = Files.createTempDirectory("drkit-chromium-");
        List<String> command = List.of(
                BINARY.toString(),
                "--headless=new",
                "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--password-store=basic",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--window-size=1280,1800",
                "about:blank");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        profile.resolveSibling(profile.getFileName() + ".log").toFile())
                .start();
        try {
            Path active = profile.resolve("DevToolsActivePort");
            await("Chromium writes " + active)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || hasTwoLines(active));
            if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + ": "
                        + Files.readString(profile.resolveSibling(profile.getFileName() + ".log")));
            }
            List<String> lines = Files.readAllLines(active, StandardCharsets.UTF_8);
            URI uri = URI.create(
                    "ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
            Chromium[] self = new Chromium[1];
            Listener listener = new Listener(message -> self[0].dispatch(message));
            WebSocket socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(uri, listener)
                    .get(60, TimeUnit.SECONDS);
            self[0] = new Chromium(process, profile, socket);
            return self[0];
        } catch (RuntimeException | IOException | InterruptedException | ExecutionException | TimeoutException e) {
            kill(process);
            deleteTree(profile);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start Chromium: " + e, e);
        }
    }

    private static boolean hasTwoLines(Path file) {
        try {
            return Files.exists(file) && Files.readAllLines(file).size() >= 2;
        } catch (IOException e) {
            return false;
        }
    }

    /** The browser's process id, to check it is gone after {@link #close}. */
    long pid() {
        return process.pid();
    }

    /**
     * Opens a new page (tab) in a fresh browser context: its own cookies and HTTP authentication cache.
     *
     * @return the page
     */
    Page newPage() {
        String context =
                (String) send(null, "Target.createBrowserContext", Map.of()).get("browserContextId");
        String target =
                (String) send(null, "Target.createTarget", Map.of("url", "about:blank", "browserContextId", context))
                        .get("targetId");
        String session = (String) send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId");
        return new Page(this, session);
    }

    /** Sends a command and waits for its result; a protocol error is an exception. */
    Map<String, Object> send(String session, String method, Map<String, Object> params) {
        CompletableFuture<Map<String, Object>> answer = sendAsync(session, method, params);
        try {
            return answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(method + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends a command without waiting (for replies from the event thread). */
    CompletableFuture<Map<String, Object>> sendAsync(String session, String method, Map<String, Object> params) {
        long id = ids.incrementAndGet();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        synchronized (socket) {
            socket.sendText(JsonWriter.compact(message), true).join();
        }
        return answer;
    }

    void onEvent(Consumer<Map<String, Object>> listener) {
        listeners.add(listener);
    }

    @SuppressWarnings("unchecked")
    private void dispatch(String text) {
        Map<String, Object> message = (Map<String, Object>) JsonReader.parse(text);
        Object id = message.get("id");
        if (id != null) {
            CompletableFuture<Map<String, Object>> answer = pending.remove(((Number) id).longValue());
            if (answer == null) {
                return;
            }
            if (message.containsKey("error")) {
                answer.completeExceptionally(new IllegalStateException("DevTools error " + message.get("error")));
            } else {
                Object result = message.get("result");
                answer.complete(result == null ? Map.of() : (Map<String, Object>) result);
            }
            return;
        }
        for (Consumer<Map<String, Object>> l : listeners) {
            l.accept(message);
        }
    }

    /** Kills the browser and all its processes, and deletes its profile. */
    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            kill(process);
            deleteTree(profile);
            try {
                Files.deleteIfExists(profile.resolveSibling(profile.getFileName() + ".log"));
            } catch (IOException e) {
                // a log left in the temporary directory is harmless
            }
        }
    }

    private static void kill(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.addAll(process.descendants().toList());
        for (ProcessHandle child : all) {
            child.destroyForcibly();
        }
        for (ProcessHandle child : all) {
            child.onExit().completeOnTimeout(child, 10, TimeUnit.SECONDS).join();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collects fragmented text frames into messages. */
    private static final class Listener implements WebSocket.Listener {
        private final Consumer<String> sink;
        private final StringBuilder buffer = new StringBuilder();

        Listener(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String message = buffer.toString();
                buffer.setLength(0);
                sink.accept(message);
            }
            webSocket.request(1);
            return null;
        }
    }
}
