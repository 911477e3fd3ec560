package dev.decaf.service;

import com.sun.net.httpserver.HttpExchange;
import dev.decaf.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The small pieces of HTTP the handlers share: JSON replies, errors, the query, the body. */
final class HttpReplies {

    /** The largest request body read (a recipe or training text). */
    static final int MAX_BODY = 64 << 20;

    private HttpReplies() {}

    /** Replies with a JSON value and a status. */
    static void json(HttpExchange ex, int status, Object value) throws IOException {
        byte[] bytes = (Json.pretty(value) + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Replies {@code {"error": message}} with a status. */
    static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, Map.of("error", message));
    }

    /** The request's media type, lower case, without parameters ({@code text/plain; charset=utf-8} → {@code text/plain}). */
    static String mediaType(HttpExchange ex) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        return type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    /** The query as {@code key=value} strings, URL-decoded, in order ({@code ?train.steps=40} → {@code train.steps=40}). */
    static List<String> query(HttpExchange ex) {
        String raw = ex.getRequestURI().getRawQuery();
        List<String> out = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            String key = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
            String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            out.add(key + "=" + value);
        }
        return out;
    }

    /**
     * Reads the request body.
     *
     * @return the bytes
     * @throws IllegalArgumentException when it is larger than {@link #MAX_BODY}
     */
    static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new IllegalArgumentException("the request body is larger than " + (MAX_BODY >> 20) + " MiB");
            }
            return b;
        }
    }
}
