package io.mtgj.config;

import java.nio.file.Path;

/**
 * Named users ({@code --secrets FILE}); their usage is kept in {@link ProxyConfig#stateDir()} when one is given.
 *
 * @param secretsFile the secrets file, one user a line.
 */
public record UsersSettings(Path secretsFile)
{
    /**
     * @throws IllegalArgumentException without a secrets file.
     */
    public UsersSettings
    {
        if (null == secretsFile)
        {
            throw new IllegalArgumentException("a secrets file is required");
        }
    }
}
