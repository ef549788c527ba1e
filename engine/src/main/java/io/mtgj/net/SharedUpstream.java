package io.mtgj.net;

/**
 * An upstream that carries many clients over connections it keeps (promoted-channel mode's middle proxies) instead
 * of a dial per client. Each reactor gets its own {@link SharedLinks}, so those connections and their clients live on
 * one thread.
 */
public interface SharedUpstream extends Upstream
{
    /**
     * @param reactor the reactor, on whose thread everything of the result runs.
     * @return that reactor's connections; nothing is opened before {@link SharedLinks#start()}.
     */
    SharedLinks forReactor(ReactorServices reactor);

    /**
     * @return the largest buffer its connections lease, so the reactor's arena keeps a reserve that fits it.
     */
    int largestBuffer();

    @Override
    default UpstreamPlan plan(final HandshakeResult client)
    {
        return null; // clients join shared connections, never dial
    }
}
