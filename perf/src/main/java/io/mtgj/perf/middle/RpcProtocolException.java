package io.mtgj.perf.middle;

import java.io.IOException;

/**
 * The peer broke the RPC protocol (bad length, sequence number, CRC, constructor or layout): the connection must
 * be closed. Distinct from other {@link IOException}s, which mean the peer went away.
 */
public final class RpcProtocolException extends IOException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, with the offending values.
     */
    public RpcProtocolException(final String message)
    {
        super(message);
    }
}
