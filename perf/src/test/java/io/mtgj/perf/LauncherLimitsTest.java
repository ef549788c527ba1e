package io.mtgj.perf;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher {@code jlink/mtg} raises the soft open-file limit before it starts java, because the proxy's default
 * {@code --max-connections} comes from that limit. Run from a copy of the installation layout ({@code bin/mtg},
 * {@code lib/jvm.options}) whose {@code bin/java}, which the launcher prefers, is a shell script that prints the
 * limits it was started with: no JDK, no proxy. {@code sh -c 'ulimit -Sn 1024; exec bin/mtg ...'} sets the limit
 * the launcher starts from.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherLimitsTest
{
    /** Surefire runs in the module folder. */
    private static final Path JLINK = Path.of("..", "jlink");
    private static final Path SH = Path.of("/bin/sh");
    private static final int TARGET = 65_536;
    private static final long TIMEOUT_S = 10;

    @TempDir
    Path temp;

    private Path home;

    @BeforeEach
    void installTheLauncherWithAFakeJava() throws IOException
    {
        assumeTrue(Files.isExecutable(SH), "no /bin/sh");
        home = Files.createDirectories(temp.resolve("mtg"));
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Files.copy(JLINK.resolve("mtg"), home.resolve("bin/mtg"));
        Files.copy(JLINK.resolve("jvm.options"), home.resolve("lib/jvm.options"));
        Files.writeString(home.resolve("bin/java"),
            "#!/bin/sh\necho \"$(ulimit -Sn) $(ulimit -Hn) $*\"\n", StandardCharsets.US_ASCII);
        for (final String file : List.of("bin/mtg", "bin/java"))
        {
            Files.setPosixFilePermissions(home.resolve(file), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void shouldRaiseALowSoftLimitTo65536OrTheHardLimit() throws Exception
    {
        final long hard = hardLimit();
        final Started java = launch("ulimit -Sn 1024", Map.of());

        assertEquals(Math.min(hard, TARGET), java.soft, java.toString());
        assertEquals(hard, java.hard, "the hard limit is left alone: " + java);
    }

    @Test
    void shouldStopAtTheHardLimitWhenItIsBelow65536() throws Exception
    {
        final Started java = launch("ulimit -Sn 1024; ulimit -Hn 4096", Map.of());

        assertEquals(4096, java.soft, java.toString());
        assertEquals(4096, java.hard, java.toString());
    }

    @Test
    void shouldRaiseTheSoftLimitToMtgNofile() throws Exception
    {
        final long hard = hardLimit();
        final Started java = launch("ulimit -Sn 1024", Map.of("MTG_NOFILE", "2048"));

        assertEquals(2048, java.soft, java.toString());
        assertEquals(hard, java.hard, java.toString());
    }

    @Test
    void shouldNeverLowerTheSoftLimit() throws Exception
    {
        final Started java = launch("ulimit -Sn 3000", Map.of("MTG_NOFILE", "2048"));

        assertEquals(3000, java.soft, java.toString());
    }

    @Test
    void shouldWarnAboutAnMtgNofileThatIsNotANumberAndStartAnyway() throws Exception
    {
        final long hard = hardLimit();
        final Started java = launch("ulimit -Sn 1024", Map.of("MTG_NOFILE", "lots"));

        assertEquals(Math.min(hard, TARGET), java.soft, java.toString());
        assertEquals("mtg: MTG_NOFILE=lots is not a number: 65536 is used\n", java.stderr);
    }

    /**
     * Runs {@code sh -c '<prefix>; exec bin/mtg run <secret>'} and returns what the fake java printed; asserts that
     * the launcher exec'ed it with the profile, the jar and the arguments, and exited 0.
     */
    private Started launch(final String prefix, final Map<String, String> env) throws Exception
    {
        final Path stdout = temp.resolve("stdout");
        final Path stderr = temp.resolve("stderr");
        final ProcessBuilder builder = new ProcessBuilder(SH.toString(), "-c", prefix + " && exec \"$0\" run dd00",
            home.resolve("bin/mtg").toString())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("JAVA_HOME", home.toString());
        builder.environment().putAll(env);
        final Process process = builder.start();
        try
        {
            assertTrue(process.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "the launcher ended");
        }
        finally
        {
            process.destroyForcibly();
        }
        final String out = Files.readString(stdout, StandardCharsets.UTF_8);
        final String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), out + err);

        final String[] words = out.trim().split(" ", 3);
        assertEquals(3, words.length, out + err);
        // the directory it was run in goes along, for relative paths (the environment has no PWD: the physical one)
        final String workdir = Path.of("").toAbsolutePath().toRealPath().toString();
        assertEquals("@lib/jvm.options -Dmtg.workdir=" + workdir + " -jar lib/mtg.jar run dd00", words[2],
            "what java was given: " + out);
        return new Started(limit(words[0]), limit(words[1]), err);
    }

    /** The hard limit this JVM passes on to its children, which the launcher may not exceed. */
    private static long hardLimit() throws Exception
    {
        final Process process = new ProcessBuilder(SH.toString(), "-c", "ulimit -Hn")
            .redirectErrorStream(true).start();
        try
        {
            assertTrue(process.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "ulimit -Hn ended");
            return limit(new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    /** "unlimited" is above any target. */
    private static long limit(final String ulimit)
    {
        return "unlimited".equals(ulimit) ? Long.MAX_VALUE : Long.parseLong(ulimit);
    }

    private record Started(long soft, long hard, String stderr)
    {
    }
}
