package io.mtgj.perf.middle;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MiddleConfigServer} serves exactly the configured secret and text, fails as told, and counts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MiddleConfigServerTest
{
    private static final byte[] SECRET = MiddleVectorsTest.PROXY_SECRET;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private InetSocketAddress first;
    private InetSocketAddress second;
    private InetSocketAddress v6;
    private MiddleConfigServer server;

    @BeforeEach
    void start() throws IOException
    {
        final InetAddress loopback = InetAddress.getByAddress(new byte[]{ 127, 0, 0, 1 });
        first = new InetSocketAddress(loopback, 40001);
        second = new InetSocketAddress(loopback, 40002);
        v6 = new InetSocketAddress(InetAddress.getByName("::1"), 40003);
        server = MiddleConfigServer.start(SECRET, Map.of(1, List.of(first, second), -1, List.of(second)),
            Map.of(2, List.of(v6)));
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void shouldServeTheSecretAndBothListsExactly() throws Exception
    {
        final HttpResponse<byte[]> secret = get(server.secretUrl());
        assertEquals(200, secret.statusCode());
        assertArrayEquals(SECRET, secret.body());

        final HttpResponse<byte[]> config = get(server.configUrl());
        assertEquals(200, config.statusCode());
        assertEquals("# force_probability 10 10\n" +
            "default 2;\n" +
            "proxy_for -1 127.0.0.1:40002;\n" +
            "proxy_for 1 127.0.0.1:40001;\n" +
            "proxy_for 1 127.0.0.1:40002;\n", text(config));
        assertEquals(server.configText(), text(config));

        final HttpResponse<byte[]> configV6 = get(server.configV6Url());
        assertEquals("# force_probability 10 10\n" +
            "default 2;\n" +
            "proxy_for 2 [0:0:0:0:0:0:0:1]:40003;\n", text(configV6));

        assertEquals(1, server.requests(MiddleConfigServer.SECRET_PATH));
        assertEquals(1, server.requests(MiddleConfigServer.CONFIG_PATH));
        assertEquals(1, server.requests(MiddleConfigServer.CONFIG_V6_PATH));
        assertEquals("http://127.0.0.1:" + server.address().getPort() + "/getProxyConfigV6",
            server.configV6Url().toString());
    }

    @Test
    void shouldRenderEveryDcAndReplaceAtRunTime() throws Exception
    {
        final String everyDc = MiddleConfigServer.render(MiddleConfigServer.everyDc(List.of(first)), 3);
        assertEquals(12, everyDc.split("\n").length);
        assertTrue(everyDc.contains("default 3;\nproxy_for -5 127.0.0.1:40001;\n"), everyDc);
        assertTrue(everyDc.endsWith("proxy_for 5 127.0.0.1:40001;\n"), everyDc);

        server.replaceConfig(MiddleConfigServer.everyDc(List.of(first)), Map.of(), 3);
        assertEquals(everyDc, text(get(server.configUrl())));
        assertEquals("# force_probability 10 10\ndefault 3;\n", text(get(server.configV6Url())));

        server.replaceConfigText("proxy_for 1 bad", "");
        assertEquals("proxy_for 1 bad", text(get(server.configUrl())));
        final HttpResponse<byte[]> empty = get(server.configV6Url());
        assertEquals(200, empty.statusCode());
        assertEquals(0, empty.body().length);

        server.replaceSecret(new byte[]{ 1, 2, 3 });
        assertArrayEquals(new byte[]{ 1, 2, 3 }, get(server.secretUrl()).body());
    }

    @Test
    void shouldFailWhenTold() throws Exception
    {
        server.failAll(true);
        assertEquals(500, get(server.secretUrl()).statusCode());
        assertEquals(500, get(server.configUrl()).statusCode());
        assertEquals(500, get(server.configV6Url()).statusCode());

        server.failAll(MiddleConfigServer.Failure.GARBAGE);
        final HttpResponse<byte[]> garbageSecret = get(server.secretUrl());
        assertEquals(200, garbageSecret.statusCode());
        assertArrayEquals(MiddleConfigServer.GARBAGE_SECRET, garbageSecret.body());
        assertEquals(MiddleConfigServer.GARBAGE_CONFIG, text(get(server.configUrl())));

        server.failAll(false);
        server.fail(MiddleConfigServer.CONFIG_PATH, MiddleConfigServer.Failure.HANG);
        server.hangMs(20_000);
        final HttpRequest hanging = HttpRequest.newBuilder(server.configUrl()).timeout(Duration.ofMillis(300)).build();
        assertThrows(HttpTimeoutException.class, () -> http.send(hanging, HttpResponse.BodyHandlers.ofByteArray()));
        assertEquals(200, get(server.configV6Url()).statusCode());
        assertArrayEquals(SECRET, get(server.secretUrl()).body());

        server.hangMs(50);
        assertEquals(500, get(server.configUrl()).statusCode());

        server.fail(MiddleConfigServer.CONFIG_PATH, MiddleConfigServer.Failure.NONE);
        assertEquals(server.configText(), text(get(server.configUrl())));

        assertEquals(404, get(server.url("/other")).statusCode());
        assertEquals(1, server.requests("/other"));
        assertEquals(5, server.requests(MiddleConfigServer.CONFIG_PATH));
        assertEquals(11, server.totalRequests());
    }

    private HttpResponse<byte[]> get(final URI uri) throws IOException, InterruptedException
    {
        final HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(final HttpResponse<byte[]> response)
    {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
