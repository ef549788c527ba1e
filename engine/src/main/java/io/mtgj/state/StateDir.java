package io.mtgj.state;

import io.mtgj.config.FileErrors;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The state directory ({@code --state-dir}). Its files are replaced whole: a crash at any moment leaves either the
 * old file or the new one, never a torn mix. They are readable by their owner only, since they say who used the proxy
 * and how much.
 */
public final class StateDir
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.state");

    private final Path dir;

    /**
     * Writes one file's contents into an open channel.
     */
    @FunctionalInterface
    public interface Contents
    {
        /**
         * @param out the new file, empty, unbuffered; forced to disk by the caller.
         * @throws IOException when writing fails.
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * @param dir the directory; created when missing by {@link #checkWritable()} and by each save.
     */
    public StateDir(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * @return the directory.
     */
    public Path path()
    {
        return dir;
    }

    /**
     * @param name a file's name.
     * @return the file of that name in the directory.
     */
    public Path file(final String name)
    {
        return dir.resolve(name);
    }

    /**
     * Replace a file atomically: the contents go to a temporary file beside it (one file system, so the rename is
     * atomic), forced to disk, renamed over the old one, and the directory synced so the rename is durable too.
     *
     * @param name     the file's name.
     * @param what     what the file holds, for the error message ("usage file").
     * @param contents what to write.
     * @throws IOException with a plain message naming the file when it cannot be written.
     */
    public void replace(final String name, final String what, final Contents contents) throws IOException
    {
        final Path file = file(name);
        try
        {
            Files.createDirectories(dir);
            final Path temp = Files.createTempFile(dir, name + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try
            {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING))
                {
                    contents.writeTo(Channels.newOutputStream(channel));
                    channel.force(true);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final IOException | RuntimeException ex)
            {
                try
                {
                    Files.deleteIfExists(temp);
                }
                catch (final IOException suppressed)
                {
                    ex.addSuppressed(suppressed);
                }
                throw ex;
            }
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot save " + what + " " + file + ": " + FileErrors.reason(ex), ex);
        }
        syncDirectory();
    }

    /**
     * Check now, at start, that saves will work: create the directory when missing and write and delete a small file
     * in it.
     *
     * @throws IOException with a plain message naming the directory when it cannot be created or written.
     */
    public void checkWritable() throws IOException
    {
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot create state directory " + dir + ": " + FileErrors.reason(ex), ex);
        }
        if (!Files.isDirectory(dir))
        {
            throw new IOException("state directory " + dir + " is not a directory");
        }
        try
        {
            Files.delete(Files.createTempFile(dir, "mtg.", ".check"));
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot write in state directory " + dir + ": " + FileErrors.reason(ex), ex);
        }
    }

    /**
     * Make a rename durable. Some systems cannot open a directory for syncing; the file's contents are already on
     * disk then, and only the rename could be lost, leaving the previous file.
     */
    private void syncDirectory()
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            LOG.log(System.Logger.Level.DEBUG, "cannot sync directory {0}: {1}", dir, FileErrors.reason(ex));
        }
    }

    @Override
    public String toString()
    {
        return dir.toString();
    }
}
