package io.mtgj.users;

import io.mtgj.net.ClientAccount;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.RejectReason;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One named user's live state: open connections, traffic counted in the quota's period, and the refusals and failed
 * handshakes put down to it. Outlives reloads of the secrets file for as long as the name stays, so changed options
 * keep the counts; new options apply to new connections. Thread-safe: every reactor counts into it.
 */
public final class Account implements ClientAccount
{
    /** The per-user failure counters, as metrics label them. */
    public static final String[] FAILURE_LABELS =
        {"replay", "bad_frame", "bad_time", "connection_limit", "quota", "expired", "removed"};
    private static final int REPLAY = 0;
    private static final int BAD_FRAME = 1;
    private static final int BAD_TIME = 2;
    private static final int CONNECTION_LIMIT = 3;
    private static final int QUOTA = 4;
    private static final int EXPIRED = 5;
    private static final int REMOVED = 6;

    private final String name;
    private final LongSupplier clockMs;
    private final Consumer<Account> onRevoked;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong periodBytes = new AtomicLong();
    private final AtomicLong ingressBytes = new AtomicLong();
    private final AtomicLong egressBytes = new AtomicLong();
    private final AtomicLongArray failures = new AtomicLongArray(FAILURE_LABELS.length);
    private volatile UserSpec spec;
    private volatile long quotaBytes;
    private volatile long periodStartMs;
    private volatile boolean quotaReached;
    private volatile boolean removed;

    /**
     * @param spec      the user as the secrets file gives it.
     * @param usage     what was counted before a restart, or null.
     * @param clockMs   wall clock, epoch milliseconds.
     * @param onRevoked told, on whatever thread notices, when the user's open connections must close (quota used up).
     */
    Account(final UserSpec spec, final Usage usage, final LongSupplier clockMs, final Consumer<Account> onRevoked)
    {
        this.name = spec.name();
        this.clockMs = clockMs;
        this.onRevoked = onRevoked;
        this.spec = spec;
        this.quotaBytes = null == spec.quota() ? 0 : spec.quota().bytes();
        this.periodStartMs = period(spec).periodStartMs(clockMs.getAsLong());
        if (null != usage && usage.periodStartMs() == periodStartMs)
        {
            periodBytes.set(usage.bytes());
        }
        quotaReached = quotaBytes > 0 && periodBytes.get() >= quotaBytes;
    }

    /**
     * Users without a quota still have their traffic counted by calendar month, for {@code mtg users}.
     */
    private static QuotaPeriod period(final UserSpec spec)
    {
        return null == spec.quota() ? QuotaPeriod.MONTH : spec.quota().period();
    }

    /**
     * @return the user's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the user's options as last read.
     */
    public UserSpec spec()
    {
        return spec;
    }

    /**
     * The secrets file changed this user's options: they apply to new connections; a quota period that changed
     * starts counting afresh.
     *
     * @param changed the user as now read.
     */
    void update(final UserSpec changed)
    {
        final boolean newPeriod = period(changed) != period(spec);
        spec = changed;
        quotaBytes = null == changed.quota() ? 0 : changed.quota().bytes();
        if (newPeriod)
        {
            periodStartMs = period(changed).periodStartMs(clockMs.getAsLong());
            periodBytes.set(0);
        }
        quotaReached = quotaBytes > 0 && periodBytes.get() >= quotaBytes;
    }

    /**
     * The user's secret changed: its clients under the old key must go (a leaked link is revoked by giving the user
     * a new key), so the account that admitted them is retired and its counts carry on in a new one.
     *
     * @param changed the user as now read, with its new secret.
     * @return the account to serve the new secret.
     */
    Account successor(final UserSpec changed)
    {
        final Account next = new Account(spec, usage(), clockMs, onRevoked);
        next.ingressBytes.set(ingressBytes.get());
        next.egressBytes.set(egressBytes.get());
        for (int i = 0; i < FAILURE_LABELS.length; i++)
        {
            next.failures.set(i, failures.get(i));
        }
        next.update(changed);
        remove();
        return next;
    }

    /**
     * The user left the secrets file: refuse it from now on.
     */
    void remove()
    {
        removed = true;
    }

    /**
     * Start a new quota period when the clock has reached it.
     *
     * @param nowMs wall clock.
     */
    void rollPeriod(final long nowMs)
    {
        final long start = period(spec).periodStartMs(nowMs);
        if (start != periodStartMs)
        {
            periodStartMs = start;
            periodBytes.set(0);
            quotaReached = false;
        }
    }

    /**
     * @param nowMs wall clock.
     * @return whether the user's open connections must close: removed, expired or out of quota.
     */
    public boolean isRevoked(final long nowMs)
    {
        return removed || quotaReached || spec.isExpired(nowMs);
    }

    @Override
    public RejectReason admit()
    {
        if (removed)
        {
            failures.incrementAndGet(REMOVED);
            return RejectReason.USER_REMOVED;
        }
        final UserSpec current = spec;
        if (current.isExpired(clockMs.getAsLong()))
        {
            failures.incrementAndGet(EXPIRED);
            return RejectReason.USER_EXPIRED;
        }
        if (quotaReached)
        {
            failures.incrementAndGet(QUOTA);
            return RejectReason.USER_QUOTA;
        }
        final int max = current.maxConnections();
        while (true)
        {
            final int open = connections.get();
            if (max > 0 && open >= max)
            {
                failures.incrementAndGet(CONNECTION_LIMIT);
                return RejectReason.USER_CONNECTION_LIMIT;
            }
            if (connections.compareAndSet(open, open + 1))
            {
                return null;
            }
        }
    }

    @Override
    public void release()
    {
        connections.decrementAndGet();
    }

    @Override
    public void addIngress(final long bytes)
    {
        ingressBytes.addAndGet(bytes);
        count(bytes);
    }

    @Override
    public void addEgress(final long bytes)
    {
        egressBytes.addAndGet(bytes);
        count(bytes);
    }

    private void count(final long bytes)
    {
        final long total = periodBytes.addAndGet(bytes);
        final long quota = quotaBytes;
        if (quota > 0 && total >= quota && !quotaReached)
        {
            quotaReached = true;
            onRevoked.accept(this);
        }
    }

    @Override
    public void onFailedHandshake(final HandshakeFailure failure)
    {
        failures.incrementAndGet(HandshakeFailure.REPLAY == failure ? REPLAY :
            HandshakeFailure.BAD_TIME == failure ? BAD_TIME : BAD_FRAME);
    }

    /**
     * @return open connections.
     */
    public int connections()
    {
        return connections.get();
    }

    /**
     * @return bytes read from the user's clients since start.
     */
    public long ingressBytes()
    {
        return ingressBytes.get();
    }

    /**
     * @return bytes written to the user's clients since start.
     */
    public long egressBytes()
    {
        return egressBytes.get();
    }

    /**
     * @param into counters in the order of {@link #FAILURE_LABELS}.
     */
    public void failures(final long[] into)
    {
        for (int i = 0; i < FAILURE_LABELS.length; i++)
        {
            into[i] = failures.get(i);
        }
    }

    /**
     * @return what to persist: this period's traffic and the open connections.
     */
    public Usage usage()
    {
        return new Usage(periodStartMs, periodBytes.get(), connections.get());
    }

    @Override
    public String toString()
    {
        return name;
    }
}
