package io.mtgj.publicip;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The answer of a "what is my IP" service, whatever it is, read as {@link PublicIpDetector} reads it:
 * {@link ResponseReader#readOkBody} returns a body of at most {@link ResponseReader#MAX_BODY_LENGTH} bytes or refuses
 * the response with an {@link IOException} (never a timeout here: the answer is whole and the connection closed),
 * and {@link IpLiteral#parse} makes of the body an address of the wanted family or null, without a name lookup.
 * The reader needs a socket: each input is written on a fresh loopback connection, which the test thread both
 * opens and accepts.
 * <p>
 * Input: byte 0 bit 0 asks for IPv6 (else IPv4); the rest, up to 16 KiB, is the response. Seeds
 * (PublicIpAnswerFuzzTestInputs/answer): answers with Content-Length, chunked and until close, for both families
 * (with the surrounding whitespace services send), another status, a bad chunk size, a head cut short, a name
 * instead of an address, a mapped IPv4 literal and a body over the limit.
 */
@Timeout(60)
class PublicIpAnswerFuzzTest
{
    private static final int MAX_RESPONSE_LENGTH = 16 * 1024;
    private static final long DEADLINE_MS = 10_000;

    private static ServerSocket server;

    @BeforeAll
    static void listen() throws IOException
    {
        server = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
        server.setSoTimeout((int)DEADLINE_MS);
    }

    @AfterAll
    static void stop() throws IOException
    {
        server.close();
    }

    @FuzzTest
    void answer(final byte[] input) throws IOException
    {
        final boolean ipv6 = input.length > 0 && 0 != (input[0] & 1);
        final byte[] response = input.length > 0 ?
            Arrays.copyOfRange(input, 1, Math.min(input.length, 1 + MAX_RESPONSE_LENGTH)) : input;
        // Jazzer's SSRF detector flags every connection it was not told about: this one is the test's own.
        try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections((host, port) ->
                port == server.getLocalPort() && ("127.0.0.1".equals(host) || "localhost".equals(host)));
            Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
            Socket service = server.accept())
        {
            service.getOutputStream().write(response);
            service.shutdownOutput();
            final byte[] body;
            try
            {
                body = new ResponseReader(client, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS))
                    .readOkBody();
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("a whole, closed answer timed out", ex);
            }
            catch (final IOException ex)
            {
                assertNotNull(ex.getMessage());
                return;
            }
            assertTrue(body.length <= ResponseReader.MAX_BODY_LENGTH, "body of " + body.length);
            final String text = new String(body, StandardCharsets.ISO_8859_1).trim();
            final InetAddress address = IpLiteral.parse(text, ipv6);
            if (null != address)
            {
                assertTrue(IpLiteral.isFamily(address, ipv6), address.toString());
                assertFalse(text.isEmpty());
                assertEquals(address, IpLiteral.parse(address.getHostAddress(), ipv6), text);
            }
        }
    }
}
