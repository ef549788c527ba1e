package io.mtgj.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cloak fixture works on its own: its TLS client reads the page from it, and plain mode records bytes exactly.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CloakServerTest
{
    private static final int TIMEOUT_MS = 5_000;

    @Test
    void shouldServeThePageOverTls() throws IOException
    {
        try (CloakServer cloak = CloakServer.startTls())
        {
            assertEquals(CloakServer.PAGE, CloakServer.fetchPage(cloak.address(), TIMEOUT_MS));
            assertEquals(CloakServer.PAGE, CloakServer.fetchPage(cloak.address(), TIMEOUT_MS));
            Await.until("both pages to be counted", TIMEOUT_MS, () -> cloak.pagesServed() == 2);
            assertEquals(2, cloak.connections());
            assertEquals(2, cloak.tlsHandshakes());
            final byte[] first = cloak.received(0);
            assertTrue(first.length > 100, "a ClientHello and more");
            assertEquals(0x16, first[0], "recorded raw: a TLS handshake record");
            assertEquals(0x03, first[1]);
            assertTrue(cloak.bytesReceived() >= first.length + cloak.received(1).length);
        }
    }

    @Test
    void shouldRefuseAServerWithoutTheTestCertificateName() throws IOException
    {
        try (CloakServer plain = CloakServer.startPlain())
        {
            assertThrows(IOException.class, () -> CloakServer.fetchPage(plain.address(), TIMEOUT_MS));
        }
        try (CloakServer cloak = CloakServer.startTls();
            Socket socket = new Socket())
        {
            // A client that trusts the JDK's CAs only must not accept the test certificate.
            final SSLSocketFactory factory = (SSLSocketFactory)SSLSocketFactory.getDefault();
            socket.setSoTimeout(TIMEOUT_MS);
            socket.connect(cloak.address(), TIMEOUT_MS);
            try (SSLSocket ssl = (SSLSocket)factory.createSocket(
                socket, CloakServer.TEST_HOST, cloak.address().getPort(), true))
            {
                assertThrows(SSLHandshakeException.class, ssl::startHandshake);
            }
        }
    }

    @Test
    void shouldRecordEveryPlainByteAndAnswerTheBanner() throws IOException
    {
        final byte[] sent = new byte[100_000];
        new Random(5).nextBytes(sent);
        try (CloakServer cloak = CloakServer.startPlain();
            Socket socket = new Socket())
        {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.connect(cloak.address(), TIMEOUT_MS);
            socket.getOutputStream().write(sent, 0, 517);
            final InputStream in = socket.getInputStream();
            final byte[] banner = in.readNBytes(CloakServer.BANNER.length);
            assertArrayEquals(CloakServer.BANNER, banner);
            socket.getOutputStream().write(sent, 517, sent.length - 517);
            socket.shutdownOutput();
            assertEquals(-1, in.read(), "closed after our end of stream, no second banner");
            Await.until("all bytes to be recorded", TIMEOUT_MS, () -> cloak.bytesReceived() == sent.length);
            assertEquals(1, cloak.connections());
            assertArrayEquals(sent, cloak.received(0));
        }
    }
}
