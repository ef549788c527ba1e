package io.mtgj.config;

import io.mtgj.access.CidrSet;

import java.nio.file.Path;
import java.util.List;

/**
 * Who may connect: the access lists, the block-list files and the per-address limit, checked as a client is accepted.
 *
 * @param allowCidrs          networks allowed ({@code --allow-cidr}); empty allows everyone not denied.
 * @param denyCidrs           networks denied ({@code --deny-cidr}).
 * @param blocklists          block-list files ({@code --blocklist}), reloaded when they change.
 * @param maxConnectionsPerIp concurrent connections allowed per client IP; 0 for no limit.
 * @param cloaksDenied        whether denied clients of a FakeTLS proxy are fronted to the cloak host, not reset.
 */
public record AccessSettings(
    List<String> allowCidrs,
    List<String> denyCidrs,
    List<Path> blocklists,
    int maxConnectionsPerIp,
    boolean cloaksDenied)
{
    /** Everyone may connect, as often as they like. */
    public static final AccessSettings OPEN = new AccessSettings(List.of(), List.of(), List.of(), 0, false);

    /**
     * @throws IllegalArgumentException naming a network that does not parse or a negative limit.
     */
    public AccessSettings
    {
        allowCidrs = List.copyOf(allowCidrs);
        denyCidrs = List.copyOf(denyCidrs);
        blocklists = List.copyOf(blocklists);
        CidrSet.parse(allowCidrs); // names a bad network now rather than at start
        CidrSet.parse(denyCidrs);
        if (maxConnectionsPerIp < 0)
        {
            throw new IllegalArgumentException("bad --max-connections-per-ip " + maxConnectionsPerIp +
                ": expected 0 (no limit) or more");
        }
    }
}
