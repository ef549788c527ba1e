#!/usr/bin/env bash
# Measures the runtime image for the README: its size, start-up to listening and idle resident memory.
#   jlink/measure.sh [RUNS]        (after make image; RUNS defaults to 10)
# Each run starts bin/mtg on 127.0.0.1 with a FakeTLS secret (no NTP or cloak look-ups leave the machine), times
# from launching the script until /proc/net/tcp shows the port listening (connecting to find out would make it serve
# a client), waits IDLE_SECONDS, reads VmRSS (and its anonymous and file-backed parts) from /proc, then stops it with
# SIGTERM. MTG_JAVA_OPTS passes through, to compare profiles.
set -euo pipefail

runs=${1:-10}
idle_seconds=${IDLE_SECONDS:-5}
root=$(cd "$(dirname "$0")/.." && pwd -P)
image=$root/jlink/target/image
[ -x "$image/bin/mtg" ] || { echo "measure: no $image/bin/mtg (make image)" >&2; exit 1; }

echo "image folder: $(du -sh "$image" | cut -f1) ($(du -sb "$image" | cut -f1) bytes)"
for file in "$root"/jlink/target/mtg-image-*.tar.gz; do
    echo "image tarball: $(du -h "$file" | cut -f1) ($(stat -c %s "$file") bytes) $(basename "$file")"
done
echo "largest parts:"
(cd "$image" && du -ah . | sort -rh | sed -n '2,6p' | sed 's/^/  /')

secret=$("$image/bin/mtg" generate-secret tls -c example.com)
starts=()
rss=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
retries=0
for ((i = 1; i <= runs; i++)); do
    # below Linux's ephemeral range (32768 and up), where a client socket could hold the port
    port=$((20000 + RANDOM % 12000))
    port_hex=$(printf '%04X' "$port")
    start_ns=$(date +%s%N)
    "$image/bin/mtg" run -b "127.0.0.1:$port" -4 127.0.0.1 -6 ::1 --cloak-host 127.0.0.1 \
        --ntp-server 127.0.0.1:9 "$secret" >/dev/null 2>"$log" &
    pid=$!
    for ((tries = 0; tries < 2000; tries++)); do
        # the JDK listens on a dual-stack IPv6 socket: the port shows in tcp6, as ::ffff:127.0.0.1
        if grep -qs ":$port_hex [0-9A-F]*:0000 0A " /proc/net/tcp /proc/net/tcp6; then
            break
        fi
        kill -0 "$pid" 2>/dev/null && { sleep 0.002; continue; }
        wait "$pid" || true
        if grep -q 'cannot listen' "$log" && [ "$retries" -lt 5 ]; then
            retries=$((retries + 1)) # the port was taken: the same run again on another
            i=$((i - 1))
            continue 2
        fi
        echo "measure: mtg exited early:" >&2
        cat "$log" >&2
        exit 1
    done
    if [ "$tries" -ge 2000 ]; then
        echo "measure: mtg is not listening on $port after $tries tries" >&2
        kill "$pid"
        exit 1
    fi
    end_ns=$(date +%s%N)
    starts+=($(((end_ns - start_ns) / 1000000)))
    sleep "$idle_seconds"
    rss+=("$(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {printf "%d %d %d", r, a, f}' \
        "/proc/$pid/status")")
    kill -TERM "$pid"
    wait "$pid" || { echo "measure: mtg exited with status $? after SIGTERM" >&2; exit 1; }
done

median()
{
    printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
echo "start-up to listening, ms (median of $runs): $(median "${starts[@]}") (all: ${starts[*]})"
kb=()
anon=()
file=()
for sample in "${rss[@]}"; do
    read -r r a f <<<"$sample"
    kb+=("$r")
    anon+=("$a")
    file+=("$f")
done
echo "idle RSS after ${idle_seconds}s, KB (median): $(median "${kb[@]}") = anonymous $(median "${anon[@]}")" \
    "+ file-backed $(median "${file[@]}") (all: ${kb[*]})"
