package io.mtgj.diagnose;

import io.mtgj.config.MiddleProxyUrls;
import io.mtgj.config.PreferIp;
import io.mtgj.http.HttpGet;
import io.mtgj.middle.MiddleProxyList;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Ad tag mode's upstream (protocol.md 7.1, 7.2): the proxy secret and the middle-proxy lists fetched as the proxy
 * fetches them at start, then every middle proxy listed dialed at once. One finding for the secret, one per list
 * and one per DC cluster: OK when all its middle proxies connect, WARN when some do (the proxy picks one at random
 * per connection, so some clients fail), FAIL when none does.
 */
public final class MiddleProxyDiagnosis implements Check
{
    private static final int MIN_SECRET_LENGTH = 32;

    private final MiddleProxyUrls urls;
    private final PreferIp preferIp;
    private final int timeoutMs;

    /**
     * @param urls      where Telegram publishes the secret and the lists ({@code --middle-proxy-*-url}).
     * @param preferIp  which families' middle proxies clients may use.
     * @param timeoutMs time allowed for each fetch and each connect ({@code --dial-timeout}).
     */
    public MiddleProxyDiagnosis(final MiddleProxyUrls urls, final PreferIp preferIp, final int timeoutMs)
    {
        this.urls = urls;
        this.preferIp = preferIp;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String name()
    {
        return "middle proxies";
    }

    @Override
    public List<Finding> run() throws InterruptedException
    {
        final CompletableFuture<byte[]> secret = fetch(urls.secretUrl());
        final CompletableFuture<byte[]> v4 = fetch(urls.configUrl());
        final CompletableFuture<byte[]> v6 = fetch(urls.configUrlV6());
        final List<Finding> findings = new ArrayList<>();

        final String secretCheck = "middle-proxy secret";
        try
        {
            final byte[] bytes = secret.get();
            findings.add(bytes.length < MIN_SECRET_LENGTH ?
                Finding.fail(secretCheck, bytes.length + " bytes from " + urls.secretUrl() + ", expected at least " +
                    MIN_SECRET_LENGTH, "check --middle-proxy-secret-url") :
                Finding.ok(secretCheck, bytes.length + " bytes from " + urls.secretUrl()));
        }
        catch (final ExecutionException ex)
        {
            findings.add(Finding.fail(secretCheck, ex.getCause().getMessage(), "the proxy cannot start in ad tag " +
                "mode without it: allow HTTPS to core.telegram.org or fix --middle-proxy-secret-url"));
        }

        final List<Check> clusters = new ArrayList<>();
        if (preferIp.allowsIpv4())
        {
            addList(findings, clusters, v4, urls.configUrl(), "IPv4", true);
        }
        if (preferIp.allowsIpv6())
        {
            addList(findings, clusters, v6, urls.configUrlV6(), "IPv6", PreferIp.ONLY_IPV6 == preferIp);
        }
        findings.addAll(Doctor.run(clusters, 2L * timeoutMs + 1_000));
        return findings;
    }

    private void addList(
        final List<Finding> findings,
        final List<Check> clusters,
        final CompletableFuture<byte[]> body,
        final URI url,
        final String family,
        final boolean needed) throws InterruptedException
    {
        final String check = "middle-proxy list " + family;
        final MiddleProxyList list;
        try
        {
            list = MiddleProxyList.parse(new String(body.get(), StandardCharsets.UTF_8));
        }
        catch (final ExecutionException | IllegalArgumentException ex)
        {
            final String why = ex instanceof ExecutionException ? ex.getCause().getMessage() : url + ": " +
                ex.getMessage();
            findings.add(needed ? Finding.fail(check, why, "clients cannot be served: allow HTTPS to Telegram or " +
                "fix the list's URL (--middle-proxy-config-url" + ("IPv6".equals(family) ? "-v6)" : ")")) :
                Finding.warn(check, why, family + " clients go through the other family's middle proxies"));
            return;
        }
        findings.add(Finding.ok(check, list.size() + " DCs from " + url));
        for (final int dc : list.dcs())
        {
            clusters.add(new Cluster(family, dc, list.candidates((short)dc), timeoutMs));
        }
    }

    private CompletableFuture<byte[]> fetch(final URI url)
    {
        final CompletableFuture<byte[]> body = new CompletableFuture<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                body.complete(HttpGet.get(url, null, timeoutMs));
            }
            catch (final Exception ex)
            {
                body.completeExceptionally(ex);
            }
        }, "mtg-doctor-fetch");
        thread.setDaemon(true);
        thread.start();
        return body;
    }

    /**
     * The middle proxies of one DC cluster, dialed at once.
     */
    private static final class Cluster implements Check
    {
        private final String family;
        private final int dc;
        private final List<InetSocketAddress> addresses;
        private final int timeoutMs;

        Cluster(final String family, final int dc, final List<InetSocketAddress> addresses, final int timeoutMs)
        {
            this.family = family;
            this.dc = dc;
            this.addresses = addresses;
            this.timeoutMs = timeoutMs;
        }

        @Override
        public String name()
        {
            return "middle dc " + dc + " " + family;
        }

        @Override
        public List<Finding> run() throws InterruptedException, ExecutionException
        {
            final List<CompletableFuture<Dial>> dials = new ArrayList<>();
            for (final InetSocketAddress address : addresses)
            {
                dials.add(CompletableFuture.supplyAsync(() -> Dial.to(address, timeoutMs), Cluster::daemon));
            }
            final List<Dial> failed = new ArrayList<>();
            Dial fastest = null;
            for (final CompletableFuture<Dial> future : dials)
            {
                final Dial dial = future.get();
                if (!dial.isConnected())
                {
                    failed.add(dial);
                }
                else if (null == fastest || dial.connectMs() < fastest.connectMs())
                {
                    fastest = dial;
                }
            }
            if (null == fastest)
            {
                return List.of(Finding.fail(name(), "unreachable: " + failed, "clients of this DC cannot connect: " +
                    "open the firewall to Telegram's middle proxies (TCP out), or use --socks5"));
            }
            final String found = (addresses.size() - failed.size()) + " of " + addresses.size() +
                " connected, fastest " + fastest;
            return List.of(failed.isEmpty() ? Finding.ok(name(), found) :
                Finding.warn(name(), found + "; " + failed, "the proxy picks one at random per connection, so some " +
                    "clients fail: check the route to the failed ones"));
        }

        private static void daemon(final Runnable task)
        {
            final Thread thread = new Thread(task, "mtg-doctor-dial");
            thread.setDaemon(true);
            thread.start();
        }
    }
}
