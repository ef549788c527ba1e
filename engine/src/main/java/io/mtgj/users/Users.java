package io.mtgj.users;

import io.mtgj.mode.Credential;
import io.mtgj.net.ClientAccount;
import io.mtgj.secret.SecretMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The named users of a proxy ({@code --secrets FILE}): their accounts, kept across reloads of the file, and their
 * usage, saved under {@code --state-dir}. A reload that fails keeps the users as they were: a typo never takes the
 * proxy down. Reloads, ticks and saves come from the control thread (and a SIGHUP's); accounts are counted into by
 * the reactors.
 */
public final class Users
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.users");
    /** How often the usage is saved: at most this much counting is lost on a crash. */
    static final long SAVE_INTERVAL_MS = TimeUnit.SECONDS.toMillis(30);

    private final Path file;
    private final UsageStore store;
    private final LongSupplier clockMs;
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    /** Removed users whose connections may still be open: swept until they are gone. */
    private final List<Account> retired = new ArrayList<>();
    /** The counts of users removed while running, so that taking one out and back does not reset its quota. */
    private final Map<String, Usage> leftUsage = new LinkedHashMap<>();
    private volatile List<Account> current;
    private volatile Consumer<Predicate<ClientAccount>> closer = revoked -> { };
    private volatile Runnable onChange = () -> { };
    private Object fileStamp;
    private long savedAtMs;
    /** What was last written: an idle proxy does not rewrite the same file (a router's flash wears). */
    private Map<String, Usage> lastSaved = Map.of();
    private boolean saveFailed;

    private Users(final Path file, final UsageStore store, final LongSupplier clockMs)
    {
        this.file = file;
        this.store = store;
        this.clockMs = clockMs;
    }

    /**
     * Read the secrets file and the saved usage.
     *
     * @param file     the secrets file.
     * @param stateDir where usage is saved, or null to keep it in memory only.
     * @param clockMs  wall clock, epoch milliseconds.
     * @return the users.
     * @throws UsersFileException naming the file and line of the first problem.
     * @throws UncheckedIOException when the state directory cannot be used.
     */
    public static Users load(final Path file, final Path stateDir, final LongSupplier clockMs)
    {
        final UsageStore store = null == stateDir ? null : new UsageStore(stateDir);
        if (null != store)
        {
            try
            {
                store.checkWritable();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex.getMessage(), ex);
            }
        }
        final Users users = new Users(file, store, clockMs);
        final Object stamp = stamp(file);
        final List<UserSpec> specs = UsersFile.read(file);
        final Map<String, Usage> saved = null == store ? Map.of() : store.load();
        users.apply(specs, saved);
        users.fileStamp = stamp;
        users.savedAtMs = clockMs.getAsLong();
        return users;
    }

    /**
     * @param closeClients closes, on the reactors, the open connections of the accounts it is given.
     * @param changed      told after a reload changed the users, to serve their secrets.
     */
    public void listen(final Consumer<Predicate<ClientAccount>> closeClients, final Runnable changed)
    {
        this.closer = closeClients;
        this.onChange = changed;
    }

    /**
     * @return the users' secrets with their accounts, in the order of the file.
     */
    public List<Credential> credentials()
    {
        final List<Credential> credentials = new ArrayList<>();
        for (final Account account : current)
        {
            credentials.add(new Credential(account.spec().secret(), account));
        }
        return credentials;
    }

    /**
     * @return the accounts of the users in the file now, in its order.
     */
    public List<Account> accounts()
    {
        return current;
    }

    /**
     * @return the hostnames of the FakeTLS secrets.
     */
    public Set<String> tlsHosts()
    {
        final Set<String> hosts = new LinkedHashSet<>();
        for (final Account account : current)
        {
            if (SecretMode.FAKE_TLS == account.spec().secret().mode())
            {
                hosts.add(account.spec().secret().host());
            }
        }
        return hosts;
    }

    /**
     * @return the path of the secrets file.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Read the file again if it changed since the last read (its modification time, size or identity).
     */
    public void reloadIfChanged()
    {
        final Object stamp = stamp(file);
        if (!stamp.equals(fileStamp))
        {
            reload();
        }
    }

    /**
     * Read the file again (SIGHUP, or a change seen). Added users work at once; removed ones are refused and their
     * open connections closed; changed options apply to new connections. A file that cannot be read or has a bad
     * line is logged and changes nothing.
     *
     * @return whether the users were replaced.
     */
    public synchronized boolean reload()
    {
        final Object stamp = stamp(file);
        final List<UserSpec> specs;
        try
        {
            specs = UsersFile.read(file);
        }
        catch (final UsersFileException ex)
        {
            fileStamp = stamp; // told once per change of the file, not every poll
            LOG.log(System.Logger.Level.WARNING, "secrets file not reloaded, the users stay as they were: {0}",
                ex.getMessage());
            return false;
        }
        fileStamp = stamp;
        final Set<String> before = new LinkedHashSet<>(accounts.keySet());
        apply(specs, Map.of());
        before.removeAll(accounts.keySet());
        onChange.run();
        closeRevoked(true);
        // logged once the new secrets are served: a script that waits for this line may use them
        LOG.log(System.Logger.Level.INFO, "secrets file reloaded file={0} users={1} removed={2}", file,
            current.size(), before.isEmpty() ? "none" : String.join(",", before));
        return true;
    }

    private synchronized void apply(final List<UserSpec> specs, final Map<String, Usage> saved)
    {
        final Map<String, Account> next = new LinkedHashMap<>();
        for (final UserSpec spec : specs)
        {
            Account account = accounts.get(spec.name());
            if (null == account)
            {
                final Usage left = leftUsage.remove(spec.name());
                account = new Account(spec, null == left ? saved.get(spec.name()) : left, clockMs,
                    this::onQuotaReached);
            }
            else if (!account.spec().secret().equals(spec.secret()))
            {
                retired.add(account);
                account = account.successor(spec);
            }
            else
            {
                account.update(spec);
            }
            next.put(spec.name(), account);
        }
        for (final Map.Entry<String, Account> old : accounts.entrySet())
        {
            if (!next.containsKey(old.getKey()))
            {
                old.getValue().remove();
                retired.add(old.getValue());
                leftUsage.put(old.getKey(), old.getValue().usage());
            }
        }
        accounts.clear();
        accounts.putAll(next);
        current = Collections.unmodifiableList(new ArrayList<>(next.values()));
    }

    /**
     * A reactor counted past a user's quota: close that user's connections everywhere.
     */
    private void onQuotaReached(final Account account)
    {
        LOG.log(System.Logger.Level.INFO, "user reached its quota, closing its connections user={0} quota={1}",
            account.name(), account.spec().quota().text());
        closer.accept(client -> client == account);
    }

    /**
     * Every few seconds, from the control thread: start new quota periods, close the connections of users who
     * expired, and save the usage now and then.
     */
    public synchronized void tick()
    {
        final long nowMs = clockMs.getAsLong();
        for (final Account account : current)
        {
            account.rollPeriod(nowMs);
        }
        closeRevoked(false);
        if (nowMs - savedAtMs >= SAVE_INTERVAL_MS)
        {
            save();
        }
    }

    /**
     * @param always sweep even when no account seems to need it (after a reload, which may race with admissions).
     */
    private void closeRevoked(final boolean always)
    {
        final long nowMs = clockMs.getAsLong();
        retired.removeIf(account -> 0 == account.connections());
        boolean any = always || !retired.isEmpty();
        for (final Account account : current)
        {
            any |= account.connections() > 0 && account.isRevoked(nowMs);
        }
        if (any)
        {
            closer.accept(client -> client instanceof Account && ((Account)client).isRevoked(nowMs));
        }
    }

    /**
     * Save the usage under the state directory, if there is one: atomically, so a crash leaves the last good file.
     */
    public synchronized void save()
    {
        savedAtMs = clockMs.getAsLong();
        if (null == store)
        {
            return;
        }
        final Map<String, Usage> usage = new LinkedHashMap<>();
        for (final Account account : current)
        {
            usage.put(account.name(), account.usage());
        }
        if (usage.equals(lastSaved))
        {
            return;
        }
        try
        {
            store.save(usage);
            lastSaved = usage;
            if (saveFailed)
            {
                LOG.log(System.Logger.Level.INFO, "user usage saved again file={0}", store.file());
                saveFailed = false;
            }
        }
        catch (final IOException | UncheckedIOException ex)
        {
            if (!saveFailed)
            {
                LOG.log(System.Logger.Level.WARNING, "cannot save user usage to {0}: {1}; counting goes on in memory",
                    store.file(), ex.getMessage());
                saveFailed = true;
            }
        }
    }

    /**
     * @return what identifies the file's version: it changed when this did.
     */
    private static Object stamp(final Path file)
    {
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(attributes.lastModifiedTime(), attributes.size(), String.valueOf(attributes.fileKey()));
        }
        catch (final IOException ex)
        {
            return "unreadable";
        }
    }
}
