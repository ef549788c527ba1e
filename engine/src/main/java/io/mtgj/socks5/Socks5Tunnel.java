package io.mtgj.socks5;

import io.mtgj.config.HostPort;
import io.mtgj.net.Tunnel;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.net.InetSocketAddress;

/**
 * The client side of one SOCKS5 negotiation (RFC 1928 section 3-6, RFC 1929): greeting offering no authentication
 * (and username/password when the server has a login), the login when the server chooses it, then CONNECT to the
 * target by IP address, and the server's reply, whose bound address is skipped whatever its type. Every outcome is
 * reported to its {@link Socks5Relay} exactly once: the tunnel's success, or its failure with a log line saying what
 * the server answered. Pure: no socket, no lock.
 */
public final class Socks5Tunnel implements Tunnel
{
    private enum Step
    {
        METHOD,
        LOGIN,
        REPLY,
        DONE
    }

    private final Socks5Relay relay;
    private final InetSocketAddress relayAddress;
    private final InetSocketAddress target;
    private Step step = Step.METHOD;
    private InetSocketAddress bound;

    /**
     * @param relay   the server to go through.
     * @param target  where it should connect: an IP address.
     */
    public Socks5Tunnel(final Socks5Relay relay, final InetSocketAddress target)
    {
        this.relay = relay;
        this.relayAddress = relay.address();
        this.target = target;
    }

    @Override
    public InetSocketAddress relay()
    {
        return relayAddress;
    }

    @Override
    public InetSocketAddress bound()
    {
        return bound;
    }

    @Override
    public String name()
    {
        return relay.name();
    }

    @Override
    public int start(final MutableDirectBuffer out)
    {
        return Socks5.writeGreeting(out, 0, relay.server().hasLogin());
    }

    @Override
    public int onBytes(final DirectBuffer in, final int length, final MutableDirectBuffer out)
    {
        switch (step)
        {
            case METHOD:
                return onMethodChoice(in, length, out);
            case LOGIN:
                return onLoginStatus(in, length, out);
            case REPLY:
                return onReply(in, length);
            default:
                return fail(Socks5Failure.PROTOCOL, "sent bytes after its reply");
        }
    }

    private int onMethodChoice(final DirectBuffer in, final int length, final MutableDirectBuffer out)
    {
        final int read = Socks5.readMethodChoice(in, 0, length);
        if (Socks5.NEED_MORE == read)
        {
            return Tunnel.NEED_MORE;
        }
        if (read < 0)
        {
            return fail(Socks5Failure.PROTOCOL, "is not a SOCKS5 server: its first byte is " + hex(in.getByte(0)));
        }
        if (length > read)
        {
            return fail(Socks5Failure.PROTOCOL, "sent more than its method choice");
        }
        final int method = Socks5.method(in, 0);
        if (Socks5.METHOD_NO_AUTH == method)
        {
            step = Step.REPLY;
            return Socks5.writeConnect(out, 0, target);
        }
        if (Socks5.METHOD_LOGIN == method && relay.server().hasLogin())
        {
            step = Step.LOGIN;
            return Socks5.writeLogin(out, 0, relay.server().username(), relay.server().password());
        }
        if (Socks5.METHOD_NONE_ACCEPTABLE == method)
        {
            return fail(Socks5Failure.NO_ACCEPTABLE_METHOD, "accepts none of the offered methods (" +
                (relay.server().hasLogin() ? "no authentication, username/password" : "no authentication; " +
                "does it need a login? write socks5://user:pass@host:port") + ")");
        }
        return fail(Socks5Failure.PROTOCOL, "chose method " + hex((byte)method) + ", which was not offered");
    }

    private int onLoginStatus(final DirectBuffer in, final int length, final MutableDirectBuffer out)
    {
        final int read = Socks5.readLoginStatus(in, 0, length);
        if (Socks5.NEED_MORE == read)
        {
            return Tunnel.NEED_MORE;
        }
        if (read < 0 || length > read)
        {
            return fail(Socks5Failure.PROTOCOL, "sent a malformed answer to the login");
        }
        final int status = Socks5.status(in, 0);
        if (0 != status)
        {
            return fail(Socks5Failure.LOGIN_REFUSED, "refused the login (status " + status + ")");
        }
        step = Step.REPLY;
        return Socks5.writeConnect(out, 0, target);
    }

    private int onReply(final DirectBuffer in, final int length)
    {
        final int read = Socks5.readReply(in, 0, length);
        if (read < 0)
        {
            return fail(Socks5Failure.PROTOCOL, Socks5.BAD_VERSION == read ?
                "sent a reply of another version than 5" : "sent a reply with an unknown address type");
        }
        if (length >= 2 && Socks5.REPLY_SUCCEEDED != Socks5.status(in, 0))
        {
            final int code = Socks5.status(in, 0);
            return fail(Socks5Failure.ofReply(code), "could not connect to " + targetText() + ": " +
                Socks5.replyText(code));
        }
        if (Socks5.NEED_MORE == read)
        {
            return Tunnel.NEED_MORE;
        }
        if (length > read)
        {
            // Telegram never speaks first, so nothing may follow the reply yet
            return fail(Socks5Failure.PROTOCOL, "sent bytes after its reply");
        }
        step = Step.DONE;
        bound = Socks5.boundAddress(in, 0);
        relay.onTunnel();
        return Tunnel.READY;
    }

    @Override
    public void onBroken(final int cause, final String detail)
    {
        if (Step.DONE == step)
        {
            return;
        }
        switch (cause)
        {
            case Tunnel.BROKEN_CONNECT:
                fail(Socks5Failure.UNREACHABLE, null == relayAddress ? "has not resolved" :
                    "cannot be reached: " + (null == detail ? "connect failed" : detail));
                break;
            case Tunnel.BROKEN_TIMEOUT:
                if (Step.REPLY == step)
                {
                    fail(Socks5Failure.TARGET_TIMEOUT, "did not connect to " + targetText() +
                        " within the dial timeout");
                }
                else
                {
                    fail(Socks5Failure.TIMEOUT, "did not answer within the dial timeout (waiting for its " +
                        (Step.METHOD == step ? "method choice" : "answer to the login") + ")");
                }
                break;
            default:
                fail(Socks5Failure.CLOSED, "closed the connection during the negotiation" +
                    (null == detail ? "" : " (" + detail + ")"));
                break;
        }
    }

    private int fail(final Socks5Failure failure, final String what)
    {
        step = Step.DONE;
        // the reactors' clock (System.nanoTime): the back-off runs from the failure, not from the dial's start
        relay.onFailure(failure, "socks5 " + relay.name() + " " + what, System.nanoTime());
        return Tunnel.FAILED;
    }

    private String targetText()
    {
        return HostPort.text(target);
    }

    private static String hex(final byte value)
    {
        final int v = value & 0xFF;
        return (v < 16 ? "0x0" : "0x") + Integer.toHexString(v);
    }
}
