package io.github.drkit.spring.console;

import static org.awaitility.Awaitility.await;

import io.github.drkit.core.internal.json.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One tab of {@link Chromium}: navigation, HTTP Basic log-in the way a person does it (the browser
 * meets the server's 401 challenge and answers it with credentials, then reuses them for the page's
 * own requests), real mouse clicks at an element's position, typing, DOM reads and screenshots.
 * Every wait polls the DOM with a deadline; nothing sleeps.
 */
final class Page {

    /** How long a DOM condition may take on a loaded 2-core machine. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private final Chromium browser;
    private final String session;
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private volatile String[] credentials;

    Page(Chromium browser, String session) {
        this.browser = browser;
        this.session = session;
        browser.onEvent(this::event);
        send("Page.enable", Map.of());
        send("Runtime.enable", Map.of());
        send("Log.enable", Map.of());
    }

    /**
     * Answers HTTP authentication challenges with these credentials from now on.
     *
     * @param user the user name
     * @param password the password
     */
    void logInWithBasic(String user, String password) {
        credentials = new String[] {user, password};
        send("Fetch.enable", Map.of("handleAuthRequests", true, "patterns", List.of(Map.of("urlPattern", "*"))));
    }

    /**
     * Opens a URL and waits until its document has loaded.
     *
     * @param url the URL
     * @return the HTTP status of the document
     */
    int open(String url) {
        Map<String, Object> r = send("Page.navigate", Map.of("url", url));
        if (r.get("errorText") != null) {
            throw new IllegalStateException("cannot open " + url + ": " + r.get("errorText"));
        }
        waitUntil("document.readyState === 'complete' && location.href === " + JsonWriter.compact(url));
        return ((Number) evaluate("performance.getEntriesByType('navigation')[0].responseStatus")).intValue();
    }

    /** Evaluates a JavaScript expression (promises awaited) and returns its value as JSON gives it. */
    @SuppressWarnings("unchecked")
    Object evaluate(String expression) {
        Map<String, Object> r =
                send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.get("exceptionDetails") != null) {
            throw new IllegalStateException("JavaScript failed: " + expression + " -> " + r.get("exceptionDetails"));
        }
        Map<String, Object> result = (Map<String, Object>) r.get("result");
        return result == null ? null : result.get("value");
    }

    /** Waits until a JavaScript expression is {@code true}. */
    void waitUntil(String expression) {
        await("page: " + expression)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> Boolean.TRUE.equals(evaluate("!!(" + expression + ")")));
    }

    /** The text of the first element matching a CSS selector, or {@code null}. */
    String text(String selector) {
        Object v = evaluate("(function(){var e=document.querySelector(" + JsonWriter.compact(selector)
                + ");return e?e.textContent:null;})()");
        return (String) v;
    }

    /** Whether an element matching a CSS selector exists. */
    boolean exists(String selector) {
        return Boolean.TRUE.equals(evaluate("document.querySelector(" + JsonWriter.compact(selector) + ") !== null"));
    }

    /**
     * Clicks an element with the mouse: scrolls it into view, checks that it is the element on top at
     * its centre (visible, not covered), then presses and releases the left button there.
     */
    @SuppressWarnings("unchecked")
    void click(String selector) {
        String q = JsonWriter.compact(selector);
        waitUntil("(function(){var e=document.querySelector(" + q + ");if(!e||e.disabled)return false;"
                + "e.scrollIntoView({block:'center'});var r=e.getBoundingClientRect();"
                + "if(r.width===0||r.height===0)return false;"
                + "var t=document.elementFromPoint(r.left+r.width/2,r.top+r.height/2);"
                + "return t===e||e.contains(t);})()");
        Map<String, Object> box = (Map<String, Object>) evaluate("(function(){var r=document.querySelector(" + q
                + ").getBoundingClientRect();return {x:r.left+r.width/2,y:r.top+r.height/2};})()");
        double x = ((Number) box.get("x")).doubleValue();
        double y = ((Number) box.get("y")).doubleValue();
        send("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
        send(
                "Input.dispatchMouseEvent",
                Map.of("type", "mousePressed", "x", x, "y", y, "button", "left", "clickCount", 1));
        send(
                "Input.dispatchMouseEvent",
                Map.of("type", "mouseReleased", "x", x, "y", y, "button", "left", "clickCount", 1));
    }

    /** Focuses a field and types text into it, as a keyboard would insert it. */
    void type(String selector, String text) {
        waitUntil("document.querySelector(" + JsonWriter.compact(selector) + ") !== null");
        evaluate("document.querySelector(" + JsonWriter.compact(selector) + ").focus()");
        send("Input.insertText", Map.of("text", text));
    }

    /**
     * Emulates a viewport.
     *
     * @param width CSS pixels
     * @param height CSS pixels
     * @param mobile whether to emulate a phone (touch, mobile viewport)
     */
    void viewport(int width, int height, boolean mobile) {
        send(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", mobile ? 2 : 1, "mobile", mobile));
        send("Emulation.setTouchEmulationEnabled", Map.of("enabled", mobile));
    }

    /** Saves a PNG of what the viewport shows, scrolled to the top. */
    void screenshotOfViewport(Path file) {
        evaluate("window.scrollTo(0, 0)");
        save(file, send("Page.captureScreenshot", Map.of("format", "png")));
    }

    /** Saves a PNG of the whole page (beyond the viewport), scrolled to the top. */
    @SuppressWarnings("unchecked")
    void screenshot(Path file) {
        evaluate("window.scrollTo(0, 0)");
        Map<String, Object> size = (Map<String, Object>)
                evaluate("({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})");
        Map<String, Object> clip = new LinkedHashMap<>();
        clip.put("x", 0);
        clip.put("y", 0);
        clip.put("width", ((Number) size.get("w")).doubleValue());
        clip.put("height", ((Number) size.get("h")).doubleValue());
        clip.put("scale", 1);
        save(
                file,
                send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip)));
    }

    private static void save(Path file, Map<String, Object> r) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode((String) r.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JavaScript exceptions and console errors other than failed network loads, seen so far. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    private Map<String, Object> send(String method, Map<String, Object> params) {
        return browser.send(session, method, params);
    }

    @SuppressWarnings("unchecked")
    private void event(Map<String, Object> message) {
        if (!session.equals(message.get("sessionId"))) {
            return;
        }
        String method = (String) message.get("method");
        Map<String, Object> params = (Map<String, Object>) message.get("params");
        switch (method) {
            case "Fetch.requestPaused" ->
                browser.sendAsync(session, "Fetch.continueRequest", Map.of("requestId", params.get("requestId")));
            case "Fetch.authRequired" -> {
                String[] c = credentials;
                Map<String, Object> answer = c == null
                        ? Map.of("response", "CancelAuth")
                        : Map.of("response", "ProvideCredentials", "username", c[0], "password", c[1]);
                browser.sendAsync(
                        session,
                        "Fetch.continueWithAuth",
                        Map.of("requestId", params.get("requestId"), "authChallengeResponse", answer));
            }
            case "Runtime.exceptionThrown" -> errors.add("exception: " + params.get("exceptionDetails"));
            case "Log.entryAdded" -> {
                Map<String, Object> entry = (Map<String, Object>) params.get("entry");
                if ("error".equals(entry.get("level")) && !"network".equals(entry.get("source"))) {
                    errors.add(entry.get("source") + ": " + entry.get("text"));
                }
            }
            default -> {
                // other events are not needed
            }
        }
    }
}
