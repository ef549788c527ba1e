package io.mtgj.perf;

import io.mtgj.clock.FakeSntpServer;
import io.mtgj.config.StatsConfig;
import io.mtgj.config.UsersSettings;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The files operators import ({@code deploy/grafana/mtg-dashboard.json}, {@code deploy/prometheus/mtg-alerts.yml}):
 * every metric their expressions name is one a running proxy exports, the dashboard's expressions parse, and the
 * alerting rules pass {@code promtool check rules} and their unit tests ({@code promtool test rules}). promtool comes
 * with Debian's prometheus package, which {@code make deps} installs; without it these tests fail, saying so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeployFilesTest
{
    private static final String DASHBOARD = "grafana/mtg-dashboard.json";
    private static final String RULES = "prometheus/mtg-alerts.yml";
    private static final String RULES_TESTS = "prometheus/mtg-alerts.test.yml";
    /** Metrics Prometheus makes itself, not the proxy: only {@code up} is used. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final long PROMTOOL_TIMEOUT_S = 60;
    private static final int TIMEOUT_MS = 10_000;
    private static final int MAX_PARENTS = 4;

    private static final Pattern JSON_EXPR = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern METRIC = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING =
        Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER =
        Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\\s*\\()(?![\\w:])");
    private static final Set<String> KEYWORDS =
        Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "by", "without", "on", "ignoring");

    @TempDir
    Path temp;

    @Test
    void shouldNameOnlyMetricsTheProxyExports() throws Exception
    {
        final Path deploy = deployFolder();
        final Set<String> exported = exportedNames();
        final Set<String> dashboard = dashboardNames(Files.readString(deploy.resolve(DASHBOARD)));
        final Set<String> rules = rulesNames(Files.readString(deploy.resolve(RULES)));
        final Set<String> rulesTests = seriesNames(Files.readString(deploy.resolve(RULES_TESTS)));
        assertFalse(dashboard.isEmpty(), "no metric found in the dashboard");
        assertFalse(rules.isEmpty(), "no metric found in the rules");
        assertFalse(rulesTests.isEmpty(), "no series found in the rules' tests");
        assertMetricsExist(DASHBOARD, dashboard, exported);
        assertMetricsExist(RULES, rules, exported);
        assertMetricsExist(RULES_TESTS, rulesTests, exported);
    }

    @Test
    void shouldExtractMetricNamesFromPromQl()
    {
        final Set<String> names = new TreeSet<>();
        promQlNames("histogram_quantile(0.99, sum by (instance, le) (rate(mtg_a_bucket{instance=~\"$x\"," +
            "reason=\"bad_time\"}[$__rate_interval]))) > 1e3 and on(job) up offset 5m unless " +
            "sum without (mode) (increase(b:c_total[1h])) * 60 > bool 0", names);
        assertEquals(Set.of("mtg_a_bucket", "up", "b:c_total"), names);
    }

    @Test
    void shouldWriteDashboardExpressionsPrometheusParses() throws Exception
    {
        final List<String> expressions = dashboardExpressions(Files.readString(deployFolder().resolve(DASHBOARD)));
        assertFalse(expressions.isEmpty(), "no expression found in the dashboard");
        final StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++)
        {
            final String expression = expressions.get(i)
                .replace("$__rate_interval", "5m")
                .replace("$__range", "6h")
                .replace("$instance", ".+");
            assertFalse(expression.contains("$"), "a Grafana variable this test does not know: " + expression);
            rules.append("      - record: dashboard:expression_").append(i).append('\n')
                .append("        expr: \"").append(expression.replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\"\n");
        }
        final Path file = temp.resolve("dashboard-rules.yml");
        Files.writeString(file, rules.toString());
        promtool(temp, "check", "rules", file.toString());
    }

    @Test
    void shouldPassPromtoolCheckRules() throws Exception
    {
        final Path deploy = deployFolder();
        promtool(deploy.resolve("prometheus"), "check", "rules", deploy.resolve(RULES).toString());
    }

    @Test
    void shouldPassPromtoolTestRules() throws Exception
    {
        final Path deploy = deployFolder();
        promtool(deploy.resolve("prometheus"), "test", "rules", deploy.resolve(RULES_TESTS).toString());
    }

    /**
     * Families are listed once they have a row: the per-user ones need named users, the middle-proxy failures an ad
     * tag and a middle proxy, the clock ones a FakeTLS secret and an answering NTP server. One proxy on loopback with
     * the first two (a fake middle proxy and a secrets file of one user) and one in tls mode with its NTP server on
     * loopback export every family.
     */
    private Set<String> exportedNames() throws Exception
    {
        final Set<String> names = middleProxyAndUserNames();
        names.addAll(clockNames());
        return names;
    }

    private Set<String> clockNames() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, new Random(17));
        final StatsConfig stats = StatsConfig.builder()
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build();
        try (FakeSntpServer ntp = FakeSntpServer.shifted(0);
            ProxyFixture fixture = ProxyFixture.start(secret,
                b -> b.stats(stats).ntpServers(List.of("127.0.0.1:" + ntp.address().getPort()))))
        {
            final InetSocketAddress endpoint = fixture.proxy.statsAddress();
            final Set<String> names = new TreeSet<>();
            Await.until("the clock offset in the metrics", TIMEOUT_MS, () ->
            {
                names.clear();
                names.addAll(scrapedNames(endpoint));
                return names.contains("mtg_clock_offset_seconds");
            });
            return names;
        }
    }

    private Set<String> middleProxyAndUserNames() throws Exception
    {
        final Random random = new Random(16);
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        final Path secrets = temp.resolve("secrets.txt");
        Files.writeString(secrets, "alice " + secret.toHex() + "\n");
        final StatsConfig stats = StatsConfig.builder()
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build();
        try (MiddleSide side = MiddleSide.start(random);
            ProxyFixture fixture = ProxyFixture.start(secret,
                b -> side.pointAt(b).users(new UsersSettings(secrets)).stats(stats)))
        {
            final InetSocketAddress endpoint = fixture.proxy.statsAddress();
            final Set<String> names = new TreeSet<>();
            Await.until("the middle-proxy pool in the metrics", TIMEOUT_MS, () ->
            {
                names.clear();
                names.addAll(scrapedNames(endpoint));
                return names.contains("mtg_middle_proxy_failures_total") && names.contains("mtg_user_connections");
            });
            return names;
        }
    }

    /**
     * @return the name of every sample and family ({@code # TYPE}) of one scrape; empty when it failed.
     */
    private static Set<String> scrapedNames(final InetSocketAddress endpoint)
    {
        final Set<String> names = new TreeSet<>();
        final String body;
        try
        {
            body = MetricsScrape.get(endpoint, "/metrics", 200);
        }
        catch (final IOException ex)
        {
            return names;
        }
        for (final String line : body.split("\n"))
        {
            if (line.startsWith("# TYPE "))
            {
                names.add(line.split(" ")[2]);
            }
            else if (!line.isEmpty() && !line.startsWith("#"))
            {
                final int brace = line.indexOf('{');
                names.add(line.substring(0, brace >= 0 ? brace : line.indexOf(' ')));
            }
        }
        return names;
    }

    private static void assertMetricsExist(final String file, final Set<String> named, final Set<String> exported)
    {
        final Set<String> unknown = new TreeSet<>();
        for (final String name : named)
        {
            if (!exported.contains(name) && !PROMETHEUS_OWN.contains(name))
            {
                unknown.add(name);
            }
        }
        assertTrue(unknown.isEmpty(), file + " names metrics the proxy does not export: " + unknown +
            "; exported: " + exported);
    }

    /**
     * @return the metrics named by the dashboard's query expressions and its variables' {@code label_values}.
     */
    static Set<String> dashboardNames(final String json)
    {
        final Set<String> names = new TreeSet<>();
        for (final String expression : dashboardExpressions(json))
        {
            promQlNames(expression, names);
        }
        final Matcher labelValues = LABEL_VALUES.matcher(json);
        while (labelValues.find())
        {
            names.add(labelValues.group(1));
        }
        return names;
    }

    /**
     * @return every {@code "expr"} string of a dashboard, unescaped.
     */
    static List<String> dashboardExpressions(final String json)
    {
        final List<String> expressions = new ArrayList<>();
        final Matcher matcher = JSON_EXPR.matcher(json);
        while (matcher.find())
        {
            expressions.add(unescapeJson(matcher.group(1)));
        }
        return expressions;
    }

    /**
     * The rules' {@code expr:} values, written inline or as a block ({@code |} or {@code >}) of deeper lines.
     */
    static Set<String> rulesNames(final String yaml)
    {
        final Set<String> names = new TreeSet<>();
        final String[] lines = yaml.split("\n");
        for (int i = 0; i < lines.length; i++)
        {
            final String trimmed = lines[i].trim();
            if (!trimmed.startsWith("expr:"))
            {
                continue;
            }
            final String value = trimmed.substring("expr:".length()).trim();
            if (!value.startsWith("|") && !value.startsWith(">"))
            {
                promQlNames(value, names);
                continue;
            }
            final int indent = indent(lines[i]);
            final StringBuilder block = new StringBuilder();
            while (i + 1 < lines.length && (lines[i + 1].isBlank() || indent(lines[i + 1]) > indent))
            {
                block.append(lines[++i]).append('\n');
            }
            promQlNames(block.toString(), names);
        }
        return names;
    }

    /**
     * @return the metric of every {@code series:} of a promtool test file.
     */
    static Set<String> seriesNames(final String yaml)
    {
        final Set<String> names = new TreeSet<>();
        for (final String line : yaml.split("\n"))
        {
            final String trimmed = line.trim();
            if (trimmed.startsWith("- series:"))
            {
                final String series = trimmed.substring("- series:".length()).trim().replaceAll("^['\"]", "");
                final Matcher identifier = METRIC.matcher(series);
                assertTrue(identifier.find(), "a series without a metric name: " + line);
                names.add(identifier.group());
            }
        }
        return names;
    }

    /**
     * Metric names in a PromQL expression: strings, label matchers, ranges and grouping clauses are dropped, then
     * every identifier left that is not a call ({@code rate(}, {@code sum by (...) (}) nor a keyword is one.
     */
    static void promQlNames(final String expression, final Set<String> names)
    {
        String rest = STRING.matcher(expression).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        final Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find())
        {
            final String name = identifier.group(1);
            if (!KEYWORDS.contains(name))
            {
                names.add(name);
            }
        }
    }

    private static int indent(final String line)
    {
        int indent = 0;
        while (indent < line.length() && ' ' == line.charAt(indent))
        {
            indent++;
        }
        return indent;
    }

    private static String unescapeJson(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if ('\\' != c || i + 1 == text.length())
            {
                out.append(c);
                continue;
            }
            final char escaped = text.charAt(++i);
            switch (escaped)
            {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' ->
                {
                    out.append((char)Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(escaped);
            }
        }
        return out.toString();
    }

    /**
     * @return {@code deploy/} of the repository: the working directory's (the perf module when Maven runs the
     * tests) or its parents'.
     */
    private static Path deployFolder() throws IOException
    {
        Path dir = Path.of("").toAbsolutePath().toRealPath();
        for (int i = 0; i < MAX_PARENTS && null != dir; i++)
        {
            final Path deploy = dir.resolve("deploy");
            if (Files.isRegularFile(deploy.resolve(RULES)))
            {
                return deploy;
            }
            dir = dir.getParent();
        }
        return fail("no deploy/" + RULES + " in " + Path.of("").toAbsolutePath() + " or its parents");
    }

    /**
     * Run promtool in {@code dir} and expect exit status 0.
     */
    private void promtool(final Path dir, final String... arguments) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(promtoolPath().toString());
        command.addAll(List.of(arguments));
        final Path output = Files.createTempFile(temp, "promtool", ".out");
        final Process process = new ProcessBuilder(command).directory(dir.toFile())
            .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try
        {
            if (!process.waitFor(PROMTOOL_TIMEOUT_S, TimeUnit.SECONDS))
            {
                fail(String.join(" ", command) + " did not finish in " + PROMTOOL_TIMEOUT_S + " s");
            }
        }
        finally
        {
            process.destroyForcibly();
        }
        final String text = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + text);
    }

    /**
     * @return promtool from the PATH, else /usr/bin; a clear failure without it.
     */
    private static Path promtoolPath()
    {
        final List<Path> candidates = new ArrayList<>();
        final String path = System.getenv("PATH");
        if (null != path)
        {
            for (final String entry : path.split(File.pathSeparator))
            {
                if (!entry.isEmpty())
                {
                    candidates.add(Path.of(entry, "promtool"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/promtool"));
        for (final Path candidate : candidates)
        {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return fail("promtool not found on the PATH nor in /usr/bin: `make deps` installs it (Debian's prometheus " +
            "package); the alerting rules in deploy/prometheus cannot be checked without it");
    }
}
