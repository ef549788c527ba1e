package io.mtgj.access;

import io.mtgj.config.FileErrors;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may connect: {@code --allow-cidr} (when any is given, only those), {@code --deny-cidr} and {@code --blocklist}
 * files (one network a line, {@code #} comments), checked at accept time. Files are read again when they change
 * ({@link #reload()}, on the control thread); a file that fails to read keeps its last good contents.
 */
public final class AccessList
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.access");

    private final CidrSet allowed;
    private final List<String> denied;
    private final List<Path> blocklists;
    private final FileTime[] loadedAt;
    private final List<List<String>> fileEntries;
    private volatile CidrSet deny;

    /**
     * @param allowed    networks allowed; empty allows everyone not denied.
     * @param denied     networks denied.
     * @param blocklists files of networks denied.
     * @throws IllegalArgumentException naming a bad network or an unreadable file.
     */
    public AccessList(final List<String> allowed, final List<String> denied, final List<Path> blocklists)
    {
        this.allowed = CidrSet.parse(allowed);
        this.denied = List.copyOf(denied);
        this.blocklists = List.copyOf(blocklists);
        this.loadedAt = new FileTime[blocklists.size()];
        this.fileEntries = new ArrayList<>();
        for (int i = 0; i < blocklists.size(); i++)
        {
            try
            {
                fileEntries.add(read(blocklists.get(i)));
                loadedAt[i] = Files.getLastModifiedTime(blocklists.get(i));
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException(
                    "cannot read --blocklist " + blocklists.get(i) + ": " + FileErrors.reason(ex));
            }
        }
        this.deny = build();
    }

    /**
     * @return whether nothing is ever refused.
     */
    public boolean isOpen()
    {
        return allowed.isEmpty() && deny.isEmpty() && blocklists.isEmpty();
    }

    /**
     * @param address a client's address.
     * @return whether it must be refused.
     */
    public boolean isDenied(final InetAddress address)
    {
        return (!allowed.isEmpty() && !allowed.contains(address)) || deny.contains(address);
    }

    /**
     * Read the block-list files that changed since they were last read.
     *
     * @return whether the denied set changed.
     */
    public boolean reload()
    {
        boolean changed = false;
        for (int i = 0; i < blocklists.size(); i++)
        {
            final Path file = blocklists.get(i);
            try
            {
                final FileTime modified = Files.getLastModifiedTime(file);
                if (!modified.equals(loadedAt[i]))
                {
                    final List<String> entries = read(file);
                    CidrSet.parse(entries); // refuse a broken file as a whole
                    fileEntries.set(i, entries);
                    loadedAt[i] = modified;
                    changed = true;
                    LOG.log(System.Logger.Level.INFO, "block list reloaded file={0} entries={1}", file,
                        entries.size());
                }
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                LOG.log(System.Logger.Level.WARNING, "block list {0} not reloaded, keeping its last contents: {1}",
                    file, ex instanceof IOException ? FileErrors.reason((IOException)ex) : ex.getMessage());
            }
        }
        if (changed)
        {
            deny = build();
        }
        return changed;
    }

    private CidrSet build()
    {
        final List<String> all = new ArrayList<>(denied);
        for (final List<String> entries : fileEntries)
        {
            all.addAll(entries);
        }
        return CidrSet.parse(all);
    }

    private static List<String> read(final Path file) throws IOException
    {
        final List<String> entries = new ArrayList<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            final int hash = line.indexOf('#');
            final String entry = (hash < 0 ? line : line.substring(0, hash)).trim();
            if (!entry.isEmpty())
            {
                entries.add(entry);
            }
        }
        return entries;
    }
}
