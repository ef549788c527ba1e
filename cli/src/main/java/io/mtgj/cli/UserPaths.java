package io.mtgj.cli;

import java.nio.file.Path;

/**
 * File paths as the user gave them, a relative one taken from the directory the user ran mtg in, as with every Unix
 * command. bin/mtg starts Java in the installation folder (its class-data-sharing archive records the jar's path
 * relative to it) and passes the user's directory in the {@value #WORKDIR_PROPERTY} system property; started as
 * {@code java -jar}, Java already runs there and the property is absent.
 */
final class UserPaths
{
    /** The system property bin/mtg sets to the directory it was run in. */
    static final String WORKDIR_PROPERTY = "mtg.workdir";

    private UserPaths()
    {
    }

    /**
     * @param text a path from a flag or an {@code MTG_*} variable.
     * @return the path, relative ones resolved against the user's directory.
     */
    static Path of(final String text)
    {
        final Path path = Path.of(text);
        final String workdir = System.getProperty(WORKDIR_PROPERTY);
        return path.isAbsolute() || null == workdir || workdir.isEmpty() ? path : Path.of(workdir).resolve(path);
    }
}
