package io.mtgj.publicip;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(20)
class PublicIpDetectorTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

    private final PublicIpDetector detector = new PublicIpDetector();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private RawServer rawServer;

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.stop(0);
        }
        if (null != rawServer)
        {
            rawServer.close();
        }
    }

    @Test
    void shouldDetectIpv4FromTheCallersAddress() throws IOException
    {
        final URI url = serve(InetAddress.getByName("127.0.0.1"), this::echoRemoteAddress);

        assertEquals(InetAddress.getByName("127.0.0.1"), detector.detect(url, false, TIMEOUT));

        assertEquals(1, requests.size());
        final String request = requests.get(0);
        assertTrue(request.startsWith("GET /ip?probe=1\n"), request);
        assertTrue(request.contains("\naccept: text/plain\n"), request);
        assertTrue(request.contains("\nuser-agent: mtg-jvm\n"), request);
        assertTrue(request.contains("\nconnection: close\n"), request);
        assertTrue(request.contains("\nhost: 127.0.0.1:" + url.getPort() + "\n"), request);
    }

    @Test
    void shouldDetectIpv6FromTheCallersAddress() throws IOException
    {
        final InetAddress loopback6 = InetAddress.getByName("::1");
        URI url = null;
        try
        {
            url = serve(loopback6, this::echoRemoteAddress);
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "no IPv6 loopback here: " + ex);
        }

        assertEquals(loopback6, detector.detect(url, true, TIMEOUT));
        assertNull(detector.detect(url, false, TIMEOUT), "the URL host has no IPv4 address");
        assertEquals(1, requests.size());
    }

    @Test
    void shouldNotAskThroughTheOtherFamily() throws IOException
    {
        final URI url = serve(InetAddress.getByName("127.0.0.1"), this::echoRemoteAddress);

        assertNull(detector.detect(url, true, TIMEOUT));
        assertEquals(0, requests.size());
    }

    @Test
    void shouldReadContentLengthAndChunkedBodies() throws IOException
    {
        final URI fixed = serve(InetAddress.getByName("127.0.0.1"), answer(200, " 192.0.2.7\r\n", false));
        assertEquals(InetAddress.getByName("192.0.2.7"), detector.detect(fixed, false, TIMEOUT));
        server.stop(0);

        final URI chunked = serve(InetAddress.getByName("127.0.0.1"), answer(200, "192.0.2.8\n", true));
        assertEquals(InetAddress.getByName("192.0.2.8"), detector.detect(chunked, false, TIMEOUT));
    }

    @Test
    void shouldReadABodyEndedByClose() throws IOException
    {
        rawServer = new RawServer(socket -> socket.getOutputStream().write(
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n198.51.100.9\n".getBytes(StandardCharsets.US_ASCII)));

        assertEquals(InetAddress.getByName("198.51.100.9"), detector.detect(rawServer.url(), false, TIMEOUT));
    }

    @Test
    void shouldRejectAMalformedResponse() throws IOException
    {
        rawServer = new RawServer(socket -> socket.getOutputStream().write(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n1.2.3.4\r\n0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)));

        assertNull(detector.detect(rawServer.url(), false, TIMEOUT));
    }

    @Test
    void shouldRejectAServerError() throws IOException
    {
        final URI url = serve(InetAddress.getByName("127.0.0.1"), answer(500, "127.0.0.1", false));

        assertNull(detector.detect(url, false, TIMEOUT));
    }

    @Test
    void shouldRejectGarbage() throws IOException
    {
        final URI url = serve(InetAddress.getByName("127.0.0.1"), answer(200, "<html>oops</html>", false));

        assertNull(detector.detect(url, false, TIMEOUT));
    }

    @Test
    void shouldRejectAHostnameWithoutResolvingIt() throws IOException
    {
        // "localhost" would resolve to 127.0.0.1: a null answer shows the body is never looked up
        final URI url = serve(InetAddress.getByName("127.0.0.1"), answer(200, "localhost\n", false));

        assertNull(detector.detect(url, false, TIMEOUT));
    }

    @Test
    void shouldRejectAnAnswerOfTheOtherFamily() throws IOException
    {
        final URI url = serve(InetAddress.getByName("127.0.0.1"), answer(200, "2001:db8::1", false));

        assertNull(detector.detect(url, false, TIMEOUT));
    }

    @Test
    void shouldRejectOversizedBodies() throws IOException
    {
        final String padded = "127.0.0.1" + " ".repeat(ResponseReader.MAX_BODY_LENGTH);
        final URI fixed = serve(InetAddress.getByName("127.0.0.1"), answer(200, padded, false));
        assertNull(detector.detect(fixed, false, TIMEOUT));
        server.stop(0);

        final URI chunked = serve(InetAddress.getByName("127.0.0.1"), answer(200, padded, true));
        assertNull(detector.detect(chunked, false, TIMEOUT));
    }

    @Test
    void shouldGiveUpOnAServerThatNeverAnswers() throws IOException
    {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")))
        {
            final URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/ip");
            final long startNs = System.nanoTime();

            assertNull(detector.detect(url, false, SHORT_TIMEOUT));

            final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
            assertTrue(elapsedMs >= 400 && elapsedMs < 2_000, "took " + elapsedMs + " ms");
        }
    }

    @Test
    void shouldGiveUpOnAServerThatDrips() throws IOException
    {
        rawServer = new RawServer(socket ->
        {
            final OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100; i++)
            {
                out.write('a');
                out.flush();
                sleep(50);
            }
        });
        final long startNs = System.nanoTime();

        assertNull(detector.detect(rawServer.url(), false, SHORT_TIMEOUT));

        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertTrue(elapsedMs < 2_000, "took " + elapsedMs + " ms");
    }

    @Test
    void shouldReturnNullWhenNothingListens() throws IOException
    {
        final int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            port = probe.getLocalPort();
        }

        assertNull(detector.detect(URI.create("http://127.0.0.1:" + port + "/"), false, TIMEOUT));
    }

    @Test
    void shouldRejectUnusableUrls()
    {
        for (final String url : new String[] {"ftp://127.0.0.1/ip", "127.0.0.1/ip", "http:///ip", "mailto:a@b"})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> detector.detect(URI.create(url), false, TIMEOUT), url);
            assertTrue(ex.getMessage().contains(url), ex.getMessage());
        }
    }

    private URI serve(final InetAddress bindAddress, final HttpHandler handler) throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(bindAddress, 0), 0);
        server.createContext("/", handler);
        server.start();
        final InetSocketAddress bound = server.getAddress();
        final String host = bound.getAddress() instanceof Inet6Address ?
            "[" + bound.getAddress().getHostAddress() + "]" : bound.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + bound.getPort() + "/ip?probe=1");
    }

    private void echoRemoteAddress(final HttpExchange exchange) throws IOException
    {
        final StringBuilder request = new StringBuilder();
        request.append(exchange.getRequestMethod()).append(' ').append(exchange.getRequestURI()).append('\n');
        exchange.getRequestHeaders().forEach((name, values) ->
            request.append(name.toLowerCase(java.util.Locale.ROOT)).append(": ").append(values.get(0)).append('\n'));
        requests.add(request.toString());
        answer(200, exchange.getRemoteAddress().getAddress().getHostAddress() + "\n", false).handle(exchange);
    }

    private static HttpHandler answer(final int status, final String body, final boolean chunked)
    {
        return exchange ->
        {
            final byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(bytes);
            }
        };
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A loopback server speaking whatever bytes a test writes, one connection at a time.
     */
    private static final class RawServer implements AutoCloseable
    {
        interface Conversation
        {
            void talk(Socket socket) throws IOException;
        }

        private final ServerSocket socket;
        private final Thread thread;

        RawServer(final Conversation conversation) throws IOException
        {
            socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            thread = new Thread(() ->
            {
                while (!socket.isClosed())
                {
                    try (Socket accepted = socket.accept())
                    {
                        conversation.talk(accepted);
                    }
                    catch (final IOException ignore)
                    {
                        // the client went away or the server closed
                    }
                }
            }, "raw-http-server");
            thread.setDaemon(true);
            thread.start();
        }

        URI url()
        {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/ip");
        }

        @Override
        public void close()
        {
            try
            {
                socket.close();
                thread.join(5_000);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
