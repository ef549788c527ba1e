#!/bin/sh
# Builds the runtime image (make image): jlink/target/image, and jlink/target/mtg-image-<version>-linux-<arch>.tar.gz.
#
#   1. jlink the JDK modules of modules.conf, checked against what jdeps finds in cli/target/mtg.jar;
#   2. add the jar, the launcher bin/mtg and the JVM profile lib/jvm.options;
#   3. record the classes an idle proxy loads from start to stop (SIGTERM, which must exit 0), on 127.0.0.1 only;
#   4. dump those classes into the class-data-sharing archive lib/mtg.jsa;
#   5. check the image with its archive: FakeTLS clients of perf/target/mtg-perf.jar pass traffic through it to the
#      fake DC of the same jar, then SIGTERM must stop it with status 0.
# The archive holds what start-up loads, not what traffic loads: every archived class is resident whether used or
# not (the JVM relocates the whole archive when it maps it), so an idle proxy is about 1 MB smaller this way, and
# the few classes of handshakes and relaying load on first use, in milliseconds.
#
# Uses the JDK javac belongs to (the image is that JDK's runtime), or the one JLINK_JDK names; JAVA_HOME is not
# looked at, so a shell's JAVA_HOME cannot change the image by accident. Needs no network.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd -P)
target=$root/jlink/target
image=$target/image
jar=$root/cli/target/mtg.jar
perf_jar=$root/perf/target/mtg-perf.jar

jdk=${JLINK_JDK:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
jdk_bin=$jdk/bin
for file in "$jar" "$perf_jar" "$jdk_bin/jlink" "$jdk_bin/jdeps"; do
    if [ ! -e "$file" ]; then
        echo "build-image: $file is missing (run make build; JLINK_JDK must be a JDK 17+)" >&2
        exit 1
    fi
done

modules=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$root/jlink/modules.conf" | tr -d ' \t' | paste -sd, -)
unused=$(sed -n 's/^#unused[[:space:]]*//p' "$root/jlink/modules.conf" | paste -sd, -)
found=$("$jdk_bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$jar")
for module in $(echo "$found" | tr ',' ' '); do
    case ",$modules,$unused," in
        *",$module,"*) ;;
        *)
            echo "build-image: jdeps says mtg.jar needs $module: add it to jlink/modules.conf" \
                "(or to its unused list)" >&2
            exit 1
            ;;
    esac
done

echo "build-image: jlink $modules (jdeps: $found)"
rm -rf "$image"
mkdir -p "$target"
"$jdk_bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$image"
# The symbol table of the JVM library only names functions in crash reports; stripping it saves about 4 MB.
if command -v strip >/dev/null 2>&1; then
    find "$image/lib" -name '*.so' -exec strip -p --strip-unneeded {} +
else
    echo "build-image: no strip (binutils): native libraries keep their symbol tables"
fi

cp -p "$jar" "$image/lib/mtg.jar"
cp "$root/jlink/jvm.options" "$image/lib/jvm.options"
# Periodic native-heap trimming exists from JDK 17.0.9 on (an experimental option until JDK 22): glibc keeps the
# memory the JIT compilers free in its arenas otherwise, about 2 MB of an idle proxy. Only the image gets it, as
# only here is the JDK known; make dist's launcher runs on any JDK 17+.
if "$image/bin/java" -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=1000 -version >/dev/null 2>&1
then
    cat >>"$image/lib/jvm.options" <<'OPTIONS'
# Added by jlink/build-image.sh, because this runtime has it: return memory freed by malloc to the system every
# second (about 2 MB of an idle proxy, mostly what the JIT compiler used at start-up).
-XX:+UnlockExperimentalVMOptions
-XX:TrimNativeHeapInterval=1000
OPTIONS
else
    echo "build-image: this JDK has no -XX:TrimNativeHeapInterval (17.0.9+): the image idles about 2 MB larger"
fi
cp "$root/jlink/mtg" "$image/bin/mtg"
chmod 755 "$image/bin/mtg"

# Everything below runs on 127.0.0.1, bounded in time.
training=$target/cds-training
rm -rf "$training"
mkdir -p "$training"
dc_pid=
proxy_pid=
cleanup()
{
    for pid in $proxy_pid $dc_pid; do
        kill "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

await_line()
{
    # await_line FILE PATTERN: up to 20 s for a line matching PATTERN
    tries=0
    until grep -q "$2" "$1" 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -gt 200 ]; then
            echo "build-image: timed out waiting for '$2' in $1:" >&2
            cat "$1" >&2 || true
            exit 1
        fi
        sleep 0.1
    done
}

# start_proxy NAME [JAVA OPTIONS]: bin/mtg run in the background, its port in $port once it prints its links
start_proxy()
{
    MTG_JAVA_OPTS=${2:-} "$image/bin/mtg" run -b 127.0.0.1:0 -4 127.0.0.1 -6 ::1 --workers 1 \
        --dc-address "2=127.0.0.1:${dc_port:-9}" --cloak-host 127.0.0.1 --cloak-port 9 --ntp-server 127.0.0.1:9 \
        --shutdown-timeout 5s "$secret" >"$training/$1.out" 2>"$training/$1.err" &
    proxy_pid=$!
    await_line "$training/$1.out" 'port='
    port=$(sed -n 's/.*server=127\.0\.0\.1&port=\([0-9]*\).*/\1/p' "$training/$1.out" | head -n 1)
}

# stop_proxy NAME: SIGTERM, which must end it with status 0
stop_proxy()
{
    kill -TERM "$proxy_pid"
    status=0
    wait "$proxy_pid" || status=$?
    proxy_pid=
    if [ "$status" -ne 0 ]; then
        echo "build-image: the proxy exited with status $status after SIGTERM (expected 0):" >&2
        cat "$training/$1.err" >&2
        exit 1
    fi
}

secret=$("$image/bin/mtg" generate-secret tls -c example.com)

# The classes of start-up, of a second of idling (the clock check, the first timer ticks) and of the stop.
start_proxy idle -XX:DumpLoadedClassList=lib/mtg.classlist
sleep 1
stop_proxy idle

# The archive records the class path as given, lib/mtg.jar, relative to the image folder the launcher runs from.
mv "$image/lib/mtg.classlist" "$training/mtg.classlist"
(cd "$image" && ./bin/java @lib/jvm.options -Xshare:dump -XX:SharedClassListFile="$training/mtg.classlist" \
    -XX:SharedArchiveFile=lib/mtg.jsa -jar lib/mtg.jar) >"$training/dump.log" 2>&1 || {
    echo "build-image: the CDS dump failed:" >&2
    cat "$training/dump.log" >&2
    exit 1
}

# The image as shipped, its archive required (-Xshare:on fails rather than runs without it), with traffic.
"$jdk_bin/java" -jar "$perf_jar" fake-dc --listen 127.0.0.1:0 >"$training/dc.log" 2>&1 &
dc_pid=$!
await_line "$training/dc.log" 'listening on'
dc_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$training/dc.log")
start_proxy traffic -Xshare:on
"$jdk_bin/java" -jar "$perf_jar" load --proxy "127.0.0.1:$port" --secret "$secret" --mode echo --connections 2 \
    --duration 1s --warmup 0s --payload 1KB >"$training/load.log" 2>&1 || {
    echo "build-image: traffic through the image failed:" >&2
    cat "$training/load.log" "$training/traffic.err" >&2
    exit 1
}
stop_proxy traffic
kill "$dc_pid" 2>/dev/null || true
wait "$dc_pid" 2>/dev/null || true
dc_pid=

version=$(MTG_JAVA_OPTS=-Xshare:on "$image/bin/mtg" --version | sed 's/^mtg //')
arch=$(uname -m)
tarball=$target/mtg-image-$version-linux-$arch.tar.gz
rm -f "$target"/mtg-image-*.tar.gz
tar -C "$target" --transform 's,^image,mtg,' -czf "$tarball" image
echo "build-image: $image ($(du -sh "$image" | cut -f1)), $(grep -vc '^@' "$training/mtg.classlist") classes in" \
    "lib/mtg.jsa; $tarball ($(du -h "$tarball" | cut -f1))"
