package io.mtgj.mode;

import io.mtgj.net.ClientAccount;
import io.mtgj.secret.Secret;

/**
 * A secret the proxy accepts, and whose it is.
 *
 * @param secret  the secret; its mode is the only one its clients are served in.
 * @param account its user's account, or null when the proxy serves one secret.
 */
public record Credential(Secret secret, ClientAccount account)
{
}
