package org.fdstore.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One GET of a daemon's {@code /metrics}, and what the tests read in it. */
record MetricsScrape(int status, String contentType, String text) {
    private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE);

    /** GETs {@code path} on 127.0.0.1:{@code port}; the connection is closed after. */
    static MetricsScrape get(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        try {
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new MetricsScrape(status, c.getContentType(),
                        in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            c.disconnect();   // No keep-alive: the daemon's fd count returns to its baseline.
        }
    }

    /** GETs /metrics; null if nothing answers 200 there now. */
    static MetricsScrape tryGet(int port) {
        try {
            MetricsScrape s = get(port, "/metrics");
            return s.status() == 200 ? s : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The value of the sample written exactly {@code sample} (name and labels), or -1 if there is none. */
    double value(String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** The sum of every sample of family {@code name}, whatever its labels. */
    double sum(String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{[^\\n]*\\})? (\\S+)$", Pattern.MULTILINE)
                .matcher(text);
        double total = 0;
        while (m.find()) total += Double.parseDouble(m.group(1));
        return total;
    }

    /** The families named by {@code # TYPE} lines of {@code text}. */
    static Set<String> families(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = TYPE_LINE.matcher(text);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** A TCP port on loopback that nothing listens on now. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
