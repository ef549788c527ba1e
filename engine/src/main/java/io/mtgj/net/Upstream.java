package io.mtgj.net;

/**
 * The strategy for reaching Telegram: a DC dialed per client, or a {@link SharedUpstream}. Shared by every session
 * of a proxy and called on reactor threads during handshakes, so implementations must be thread-safe and must not
 * block.
 */
public interface Upstream
{
    /**
     * @param client the accepted client.
     * @return the plan, or null when there is no route (e.g. the family policy excludes every address).
     */
    UpstreamPlan plan(HandshakeResult client);
}
