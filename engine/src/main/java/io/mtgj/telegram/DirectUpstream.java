package io.mtgj.telegram;

import io.mtgj.net.HandshakeResult;
import io.mtgj.net.Upstream;
import io.mtgj.net.UpstreamPlan;
import io.mtgj.obfuscated2.ClientHandshake;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;

/**
 * Direct mode: dial the client's DC and open an obfuscated2 stream to it with the client's own transport tag, so
 * the bytes relay without parsing (protocol.md 3). The frame is chosen so that the DC encrypts its answers with the
 * very stream the client expects from the proxy ("fast mode", protocol.md 3.2): Telegram to client bytes then
 * pass through untouched, and only the client to Telegram direction is re-encrypted.
 */
public final class DirectUpstream implements Upstream
{
    private final DcTable dcTable;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param dcTable where each DC is.
     */
    public DirectUpstream(final DcTable dcTable)
    {
        this.dcTable = dcTable;
    }

    @Override
    public UpstreamPlan plan(final HandshakeResult client)
    {
        final int dc = dcTable.resolve(client.dcIndex());
        final List<InetSocketAddress> addresses = dcTable.addresses(dc);
        if (addresses.isEmpty())
        {
            return null;
        }
        // The DC ignores the index on a direct connection; keep the media sign so it can tell (protocol.md 3.1).
        final short announced = (short)(client.dcIndex() < 0 ? -dc : dc);
        final ClientHandshake handshake =
            ClientHandshake.mirroring(random, client.encryptorKeyIv(), client.tag().wire(), announced);
        return new UpstreamPlan(addresses, handshake.wireFrame(), handshake.encryptor(), null);
    }
}
