package io.mtgj.perf;

import io.mtgj.config.ProxyConfig;
import io.mtgj.net.ClientMode;
import io.mtgj.net.HandshakeResult;
import io.mtgj.net.ReactorGroup;
import io.mtgj.net.UpstreamPlan;
import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A plain TCP relay built from the proxy's own reactor, buffers and gathering writes, with no handshake and no
 * crypto: the physical reference a proxy is measured against. Clients speak to the target through it as if it were
 * not there.
 */
public final class RelayBaseline implements AutoCloseable
{
    /** Accepts every client at once and relays its bytes untouched. */
    private static final ClientMode PASS_THROUGH = new ClientMode()
    {
        @Override
        public HandshakeResult onFirstBytes(final UnsafeBuffer buffer, final int length,
            final java.net.InetAddress from)
        {
            return HandshakeResult.accepted(null, null, (short)0, ProtocolTag.INTERMEDIATE, 0, null);
        }

        @Override
        public boolean cloaksFailures()
        {
            return false;
        }
    };

    private final ReactorGroup reactors;

    private RelayBaseline(final ReactorGroup reactors)
    {
        this.reactors = reactors;
    }

    /**
     * @param listen      where to listen.
     * @param target      where every connection is relayed.
     * @param workers     reactor threads, as the proxy's {@code --workers}.
     * @param bufferBytes buffer per direction, as the proxy's {@code --read-buffer} and {@code --write-buffer}.
     * @return the running relay.
     * @throws IOException when binding fails.
     */
    public static RelayBaseline start(
        final InetSocketAddress listen, final InetSocketAddress target, final int workers, final int bufferBytes)
        throws IOException
    {
        // The reactor wants a configuration; the secret in it is never used by the pass-through mode.
        final ProxyConfig config = ProxyConfig.builder(Secret.parse("00000000000000000000000000000000"))
            .bind(listen)
            .workers(workers)
            .readBufferBytes(bufferBytes)
            .writeBufferBytes(bufferBytes)
            .build();
        final UpstreamPlan plan = new UpstreamPlan(List.of(target), null, null, null);
        return new RelayBaseline(new ReactorGroup(config, PASS_THROUGH, client -> plan, null));
    }

    /**
     * @return the bound address.
     */
    public InetSocketAddress address()
    {
        return reactors.localAddress();
    }

    @Override
    public void close()
    {
        reactors.close();
    }
}
