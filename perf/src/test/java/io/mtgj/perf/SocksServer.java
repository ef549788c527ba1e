package io.mtgj.perf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real SOCKS5 server (Debian's microsocks or dante-server) run as a child process on a free loopback port, its
 * outgoing connections bound to a loopback address of the test's choosing, so the target can tell they came through
 * it. Missing binaries fail the test: {@code make deps} installs them.
 */
final class SocksServer implements AutoCloseable
{
    static final String MICROSOCKS = "/usr/bin/microsocks";
    static final String DANTED = "/usr/sbin/danted";

    private final ManagedProcess process;
    private final Path dir;

    private SocksServer(final ManagedProcess process, final Path dir)
    {
        this.process = process;
        this.dir = dir;
    }

    /**
     * @param outgoing the loopback address its connections to targets come from.
     * @param login    {user, password}, or null for no authentication.
     */
    static SocksServer microsocks(final String outgoing, final String[] login) throws Exception
    {
        require(MICROSOCKS, "microsocks");
        final Path dir = Files.createTempDirectory("microsocks");
        final int port = ManagedProcess.freePort();
        final List<String> command = new ArrayList<>(List.of(MICROSOCKS, "-i", "127.0.0.1", "-p",
            String.valueOf(port), "-b", outgoing));
        if (null != login)
        {
            command.addAll(List.of("-u", login[0], "-P", login[1]));
        }
        return start("microsocks", command, port, dir);
    }

    /**
     * Dante in the foreground, no authentication, CONNECT allowed to loopback except to {@code blockedPort}.
     */
    static SocksServer dante(final String outgoing, final int blockedPort) throws Exception
    {
        require(DANTED, "dante-server");
        final Path dir = Files.createTempDirectory("danted");
        final int port = ManagedProcess.freePort();
        final Path config = dir.resolve("danted.conf");
        // server settings first, then the rules (dante refuses settings after a rule)
        final String users = "root".equals(System.getProperty("user.name")) ?
            "user.privileged: root\nuser.unprivileged: nobody\n" : "";
        Files.writeString(config, String.join("\n",
            "logoutput: stderr",
            "internal: 127.0.0.1 port = " + port,
            "external: " + outgoing,
            "clientmethod: none",
            "socksmethod: none",
            users + "client pass {", "  from: 127.0.0.0/8 to: 0.0.0.0/0", "}",
            "socks block {", "  from: 0.0.0.0/0 to: 127.0.0.0/8 port = " + blockedPort, "  log: error", "}",
            "socks pass {", "  from: 127.0.0.0/8 to: 127.0.0.0/8", "  command: connect", "  log: error", "}",
            ""));
        return start("danted", List.of(DANTED, "-f", config.toString(), "-N", "1", "-p",
            dir.resolve("danted.pid").toString()), port, dir);
    }

    private static SocksServer start(final String name, final List<String> command, final int port, final Path dir)
        throws Exception
    {
        final ManagedProcess process = ManagedProcess.start(name, command,
            new InetSocketAddress("127.0.0.1", port), dir.resolve(name + ".log"));
        return new SocksServer(process, dir);
    }

    private static void require(final String binary, final String debianPackage)
    {
        if (!Files.isExecutable(Path.of(binary)))
        {
            fail(binary + " is missing: these end-to-end tests run a real SOCKS5 server; `make deps` installs " +
                debianPackage + " (apt-get install " + debianPackage + ")");
        }
    }

    /**
     * @return {@code socks5://host:port}, with the login when given.
     */
    String url(final String[] login)
    {
        final InetSocketAddress address = process.address();
        return "socks5://" + (null == login ? "" : login[0] + ":" + login[1] + "@") + "127.0.0.1:" +
            address.getPort();
    }

    /**
     * @return its log so far, for assertion messages.
     */
    String log()
    {
        try (var files = Files.list(dir))
        {
            final StringBuilder text = new StringBuilder();
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".log"))::iterator)
            {
                text.append(Files.readString(file));
            }
            return text.toString();
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    @Override
    public void close()
    {
        process.close();
    }
}
