package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Opens connections that complete their handshake and one round trip (so the proxy has dialed Telegram for each),
 * then sit idle: what an idle connection costs a proxy.
 */
public final class IdleConnections implements AutoCloseable
{
    private final List<ClientConnection> clients;

    private IdleConnections(final List<ClientConnection> clients)
    {
        this.clients = clients;
    }

    /**
     * Open connections whose one round trip is a 16-byte packet.
     *
     * @param target    the proxy.
     * @param secret    its secret (null for a secretless target).
     * @param count     connections to open.
     * @param timeoutMs per-connection timeout.
     * @param progress  where to report every 1000 connections, or null.
     * @return the open connections.
     * @throws IOException when one fails (the others are closed).
     */
    public static IdleConnections open(final InetSocketAddress target, final Secret secret, final int count,
        final int timeoutMs, final PrintStream progress) throws IOException
    {
        return open(target, secret, count, 16, timeoutMs, progress);
    }

    /**
     * @param target        the proxy.
     * @param secret        its secret (null for a secretless target).
     * @param count         connections to open.
     * @param payloadLength bytes of each connection's one packet, whose echo is checked.
     * @param timeoutMs     per-connection timeout.
     * @param progress      where to report every 1000 connections, or null.
     * @return the open connections.
     * @throws IOException when one fails (the others are closed).
     */
    public static IdleConnections open(final InetSocketAddress target, final Secret secret, final int count,
        final int payloadLength, final int timeoutMs, final PrintStream progress) throws IOException
    {
        final List<ClientConnection> clients = new ArrayList<>(count);
        final Random random = new java.security.SecureRandom();
        try
        {
            for (int i = 0; i < count; i++)
            {
                try
                {
                    final ClientConnection client = ClientConnection.connect(
                        target, secret, ProtocolTag.INTERMEDIATE, (short)2, random, timeoutMs);
                    clients.add(client);
                    client.echo(packet(random, payloadLength));
                }
                catch (final IOException ex)
                {
                    throw new IOException("connection " + (i + 1) + " of " + count + " failed, " + i +
                        " open: " + ex.getMessage(), ex);
                }
                if (null != progress && 0 == (i + 1) % 1000)
                {
                    progress.println("idle: " + (i + 1) + " connections open");
                }
            }
            return new IdleConnections(clients);
        }
        catch (final IOException | RuntimeException ex)
        {
            new IdleConnections(clients).close();
            throw ex;
        }
    }

    /**
     * @param random bytes source.
     * @param length packet length, a multiple of 4.
     * @return random bytes whose first is not zero: an encrypted MTProto packet starts with its auth key id, never 0,
     *         and the official proxy forwards nothing else but handshake messages.
     */
    static byte[] packet(final Random random, final int length)
    {
        final byte[] packet = new byte[length];
        random.nextBytes(packet);
        packet[0] |= 1;
        return packet;
    }

    /**
     * @return connections held.
     */
    public int size()
    {
        return clients.size();
    }

    @Override
    public void close()
    {
        for (final ClientConnection client : clients)
        {
            try
            {
                client.close();
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
        }
        clients.clear();
    }
}
