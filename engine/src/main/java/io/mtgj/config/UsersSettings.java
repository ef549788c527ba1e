package io.mtgj.config;

import java.nio.file.Path;

/**
 * Named users ({@code --secrets FILE}) and where their usage is kept ({@code --state-dir DIR}).
 *
 * @param secretsFile the secrets file, one user a line.
 * @param stateDir    where usage counters are saved across restarts, or null to keep them in memory.
 */
public record UsersSettings(Path secretsFile, Path stateDir)
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
