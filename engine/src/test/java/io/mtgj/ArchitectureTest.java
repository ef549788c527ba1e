package io.mtgj;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Dependencies point one way (style.md 3): protocol codecs never reach the reactor or sockets.
 */
@Timeout(60)
class ArchitectureTest
{
    private static final String[] CODECS =
    {
        "io.mtgj.crypto..", "io.mtgj.obfuscated2..", "io.mtgj.transport..", "io.mtgj.secret..", "io.mtgj.config..",
        "io.mtgj.faketls..", "io.mtgj.antireplay..", "io.mtgj.proxyprotocol..",
    };

    private final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.mtgj");

    @Test
    void shouldKeepCodecsAwayFromTheReactorAndSockets()
    {
        noClasses().that().resideInAnyPackage(CODECS)
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.net..", "io.mtgj.mode..",
                "io.mtgj.telegram..", "java.nio.channels..")
            .check(classes);
    }

    @Test
    void shouldKeepSocks5ToBytes()
    {
        // the reactor moves the bytes (TunnelConnector); the negotiation and the server choice only see buffers
        noClasses().that().resideInAPackage("io.mtgj.socks5..")
            .should().dependOnClassesThat().resideInAnyPackage("java.nio.channels..", "io.mtgj.mode..",
                "io.mtgj.telegram..", "io.mtgj.middle..")
            .check(classes);
    }

    @Test
    void shouldKeepTheAntiReplayCacheOffTheNetwork()
    {
        noClasses().that().resideInAPackage("io.mtgj.antireplay..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.clock..", "java.net..")
            .check(classes);
    }

    @Test
    void shouldKeepTheClockCheckAwayFromTheReactor()
    {
        noClasses().that().resideInAPackage("io.mtgj.clock..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.net..", "io.mtgj.mode..",
                "io.mtgj.telegram..", "java.nio.channels..")
            .check(classes);
    }

    @Test
    void shouldKeepDoctorAndProbeOutsideTheProxy()
    {
        // one-shot tools on blocking sockets: they read the proxy's tables and codecs, never its reactor
        noClasses().that().resideInAnyPackage("io.mtgj.diagnose..", "io.mtgj.probe..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.net..", "io.mtgj.mode..",
                "io.mtgj.stats..", "java.nio.channels..")
            .check(classes);
    }

    @Test
    void shouldKeepStatsAwayFromTheReactor()
    {
        noClasses().that().resideInAPackage("io.mtgj.stats..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.net..", "io.mtgj.mode..",
                "io.mtgj.telegram..", "io.mtgj.cloak..", "io.mtgj.users..", "java.nio.channels..")
            .check(classes);
    }

    @Test
    void shouldKeepTheReactorFreeOfConcreteModesAndUpstreams()
    {
        noClasses().that().resideInAPackage("io.mtgj.net..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.mode..", "io.mtgj.telegram..",
                "io.mtgj.obfuscated2..", "io.mtgj.users..")
            .check(classes);
    }

    @Test
    void shouldKeepUsersToTheirAccountsAndFiles()
    {
        // users know the reactor only through ClientAccount, and modes know no users: a user is an account to them
        noClasses().that().resideInAPackage("io.mtgj.users..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.telegram..", "io.mtgj.middle..",
                "io.mtgj.cloak..", "java.net..")
            .check(classes);
        noClasses().that().resideInAnyPackage("io.mtgj.mode..", "io.mtgj.net..")
            .should().dependOnClassesThat().resideInAPackage("io.mtgj.users..")
            .check(classes);
    }
}
