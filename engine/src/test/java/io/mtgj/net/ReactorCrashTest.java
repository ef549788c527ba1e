package io.mtgj.net;

import io.mtgj.config.ProxyConfig;
import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A handler that throws closes only its own connection, is counted, and the reactor keeps serving.
 */
@Timeout(30)
class ReactorCrashTest
{
    private static final byte POISON = 0x42;

    /** Accepts 4 magic bytes and relays in plain text; throws on the poison byte. */
    private static final ClientMode PLAIN_OR_CRASH = new ClientMode()
    {
        @Override
        public HandshakeResult onFirstBytes(final UnsafeBuffer buffer, final int length,
            final java.net.InetAddress from)
        {
            if (buffer.getByte(0) == POISON)
            {
                throw new IllegalStateException("boom");
            }
            return length < 4 ? HandshakeResult.NEED_MORE :
                HandshakeResult.accepted(null, null, (short)2, ProtocolTag.INTERMEDIATE, 4, null);
        }

        @Override
        public boolean cloaksFailures()
        {
            return false;
        }
    };

    @Test
    void shouldCloseOnlyTheCrashingConnection() throws Exception
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket echo = new ServerSocket(0, 50, loopback))
        {
            final Thread echoThread = new Thread(() -> echo(echo));
            echoThread.setDaemon(true);
            echoThread.start();
            final Upstream upstream = client -> new UpstreamPlan(
                List.of((InetSocketAddress)echo.getLocalSocketAddress()), new byte[0], null, null);
            final ProxyConfig config = ProxyConfig.builder(Secret.parse("00112233445566778899aabbccddeeff"))
                .bind(new InetSocketAddress(loopback, 0)).workers(1).build();
            try (ReactorGroup group = new ReactorGroup(config, PLAIN_OR_CRASH, upstream, null);
                Socket good = new Socket(loopback, group.localAddress().getPort());
                Socket bad = new Socket(loopback, group.localAddress().getPort()))
            {
                good.setSoTimeout(5_000);
                bad.setSoTimeout(5_000);
                final OutputStream goodOut = good.getOutputStream();
                goodOut.write("MAGIhello".getBytes());
                assertArrayEquals("hello".getBytes(), new DataInputStream(good.getInputStream()).readNBytes(5));

                bad.getOutputStream().write(new byte[] {POISON, 1, 2, 3});
                final InputStream badIn = bad.getInputStream();
                assertEquals(-1, readOrEof(badIn));

                goodOut.write("again".getBytes());
                assertArrayEquals("again".getBytes(), new DataInputStream(good.getInputStream()).readNBytes(5));
                final Reactor reactor = group.reactors().get(0);
                assertEquals(1, reactor.counters().crashes());
                assertTrue(group.isHealthy());
            }
        }
    }

    private static int readOrEof(final InputStream in)
    {
        try
        {
            return in.read();
        }
        catch (final IOException ex)
        {
            return -1; // a reset is a close too
        }
    }

    private static void echo(final ServerSocket server)
    {
        try
        {
            while (true)
            {
                final Socket socket = server.accept();
                final Thread t = new Thread(() ->
                {
                    try (socket)
                    {
                        socket.getInputStream().transferTo(socket.getOutputStream());
                    }
                    catch (final IOException ignore)
                    {
                        // peer gone
                    }
                });
                t.setDaemon(true);
                t.start();
            }
        }
        catch (final IOException ignore)
        {
            // server closed
        }
    }
}
