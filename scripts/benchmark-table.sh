#!/usr/bin/env bash
# Measure the gateway, the raw-SQL floor and the no-loader mode on one data
# set and print the rows of the table in BENCHMARKS.md.
#
# usage: scripts/benchmark-table.sh DATA [DURATION] [CONCURRENCY]
#   DATA is a data folder seeded with `lienthong seed --data-dir`, or
#   postgres:PREFIX for the four PostgreSQL databases PREFIX_population,
#   PREFIX_civilstatus, PREFIX_business and PREFIX_procedures on
#   127.0.0.1:5432. DURATION defaults to 20s and CONCURRENCY to 8.
# environment: BENCH_PORT is the first of the three ports the servers
#   listen on, one after another on 127.0.0.1: BENCH_PORT, BENCH_PORT+1
#   and BENCH_PORT+2. It defaults to 18191. Inherited LIENTHONG_* settings
#   are ignored, so that every row measures what its mode names.
# output: the table on stdout; the load command's progress lines, peak RSS
#   and failures on stderr. The script exits non-zero after the table when
#   any row had failed requests, and at once when a server does not start
#   or a warm-up run fails, printing the last lines of the server's log.
# needs: a built ./lienthong (go build -o lienthong ./cmd/lienthong), curl.
set -euo pipefail

fail() {
    echo "benchmark-table: $*" >&2
    exit 1
}

(($# >= 1 && $# <= 3)) || fail "usage: scripts/benchmark-table.sh DATA [DURATION] [CONCURRENCY]"
data=$1
duration=${2:-20s}
concurrency=${3:-8}
port=${BENCH_PORT:-18191}
[[ $duration =~ ^[0-9]+(ms|s|m)$ && ! $duration =~ ^0+[a-z]+$ ]] ||
    fail "invalid DURATION \"$duration\": give a positive whole number with ms, s or m, such as 20s"
[[ $concurrency =~ ^[0-9]+$ ]] && ((concurrency >= 1 && concurrency <= 10000)) ||
    fail "invalid CONCURRENCY \"$concurrency\": must be a whole number from 1 to 10000"

# Settings inherited from the shell, such as the DSNs the PostgreSQL recipe
# exports or LIENTHONG_NO_BATCHING, would change what each row measures, so
# the servers see only the settings this script gives them.
inherited=$(compgen -e | grep '^LIENTHONG_' || true)
if [[ -n $inherited ]]; then
    echo "benchmark-table: ignoring inherited settings:" $inherited >&2
    # shellcheck disable=SC2086
    unset $inherited
fi

[[ -x ./lienthong ]] || fail "./lienthong not found: run go build -o lienthong ./cmd/lienthong first"
[[ $port =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65533)) ||
    fail "invalid BENCH_PORT \"$port\": must be a port number from 1 to 65533"

export LIENTHONG_JWT_SECRET=benchmark-table-secret-of-32-bytes-or-more
export LIENTHONG_AUDIT_KEY=script-audit-key-of-32-bytes-or-more
if [[ $data == postgres:* ]]; then
    base=postgres://postgres@127.0.0.1:5432/${data#postgres:}
    export LIENTHONG_POPULATION_DSN=${base}_population
    export LIENTHONG_CIVILSTATUS_DSN=${base}_civilstatus
    export LIENTHONG_BUSINESS_DSN=${base}_business
    export LIENTHONG_PROCEDURES_DSN=${base}_procedures
else
    # serve would create empty databases in a missing or unseeded folder.
    [[ -d $data ]] || fail "data folder $data not found or not a folder: seed it with ./lienthong seed --data-dir $data"
    for source in population civilstatus business procedures; do
        [[ -s $data/$source.db ]] ||
            fail "data folder $data has no seeded $source.db: seed it with ./lienthong seed --data-dir $data"
    done
fi

# The scratch folder keeps the servers' audit trails and logs. It never
# contains the measured data, so it is removed on exit.
scratch=$(mktemp -d)
dir=$scratch
[[ $data == postgres:* ]] || dir=$data
token=$(./lienthong token -role central-officer)
# The no-loader mode's thousand one-key statements per list queue for the
# pool, so its statements run without the 5-second timeout.
no_timeouts="--population-statement-timeout 0 --civilstatus-statement-timeout 0
  --business-statement-timeout 0 --procedures-statement-timeout 0"

pid=
log=
stop() {
    if [[ -n $pid ]]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" || true
        pid=
    fi
}
cleanup() {
    stop
    rm -rf "$scratch"
}
trap cleanup EXIT

# show_log prints the last 20 lines of the current server's log.
show_log() {
    echo "last lines of the server's log:" >&2
    tail -n 20 "$log" >&2
}

# start PORT FLAGS... serves the data set in the background. Each server
# keeps its audit trail in a scratch file under this script's key, so a
# trail that an earlier serve wrote into the data folder is left alone.
start() {
    local port=$1
    shift
    log=$scratch/serve-$port.log
    ./lienthong serve --addr "127.0.0.1:$port" --data-dir "$dir" --demo-citizens 0 \
        --audit-dsn "$scratch/audit-$port.db" --sources-extension on --shutdown-delay 0 \
        "$@" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
        curl -s -o /dev/null "127.0.0.1:$port/healthz" && return
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" || true
            pid=
            break
        fi
        sleep 0.5
    done
    echo "benchmark-table: server on port $port did not start" >&2
    show_log
    exit 1
}

# warm URL WORKLOAD runs the workload for a few seconds and prints nothing
# unless it fails, so the first row of a server does not pay for reading
# the data files into the page cache.
warm() {
    local out=$scratch/warm.log
    if ! ./lienthong load --url "$1" --workload "$2" --concurrency "$concurrency" \
        --duration 5s --timeout 120s --token "$token" --graphql-url "$graphql" >"$out" 2>&1; then
        echo "benchmark-table: warm-up of $2 on $1 failed:" >&2
        tail -n 20 "$out" >&2
        show_log
        exit 1
    fi
}

# server_ticks prints the user and system time of the server, in clock ticks.
server_ticks() {
    awk '{print $14 + $15}' "/proc/$pid/stat"
}

# row MODE URL WORKLOAD CONCURRENCY prints one table row. Server CPU is the
# processor time the server spent per request, which depends less than
# req/s on what else the machine runs. A row whose run had failed requests
# sets failed, and a run that printed no table gets a row marked "load failed".
failed=0
row() {
    local mode=$1 url=$2 workload=$3 c=$4
    local load before out status=0
    load=$(uptime | sed 's/.*load average: \([0-9.]*\),.*/\1/')
    before=$(server_ticks)
    out=$(./lienthong load --url "$url" --workload "$workload" --concurrency "$c" \
        --duration "$duration" --timeout 120s --token "$token" --graphql-url "$graphql") || status=$?
    if ((status != 0)); then
        failed=1
    fi
    awk -v mode="$mode" -v c="$c" -v avg="$load" -v workload="$workload" \
        -v ticks=$(($(server_ticks) - before)) -v hz="$(getconf CLK_TCK)" '
        $1 == workload {
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s |\n",
                mode, $1, c, $3, $4, $6, $8, $9, $10, ticks * 1000 / hz / ($2 > 0 ? $2 : 1), avg
            found = 1
        }
        END {
            if (!found) printf "| %s | %s | %s | load failed, see stderr | | | | | | | %s |\n",
                mode, workload, c, avg
        }' <<<"$out"
}

# A server that already listens on a port would receive the load instead
# of the one this script starts.
for p in "$port" $((port + 1)) $((port + 2)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        fail "port $p on 127.0.0.1 is already in use: stop that process or set BENCH_PORT to a free range"
    fi
done

echo "| mode | workload | concurrency | req/s | p50 ms | p99 ms | errors | statements/req | SQL ms/req | server CPU ms/req | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"

start "$port"
graphql=http://127.0.0.1:$port/graphql
warm "$graphql" case-context
warm "$graphql" dossier-list
row gateway "$graphql" case-context "$concurrency"
row gateway "$graphql" dossier-list "$concurrency"
row gateway "$graphql" case-context 1
echo "gateway peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)" >&2
stop

raw=http://127.0.0.1:$((port + 1))
start $((port + 1)) --raw-baseline
graphql=$raw/graphql
warm "$raw/raw/case-context" case-context
warm "$raw/raw/dossier-list" dossier-list
row "raw-SQL floor" "$raw/raw/case-context" case-context "$concurrency"
row "raw-SQL floor" "$raw/raw/dossier-list" dossier-list "$concurrency"
row "raw-SQL floor" "$raw/raw/case-context" case-context 1
echo "floor peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)" >&2
stop

# shellcheck disable=SC2086
start $((port + 2)) --no-batching $no_timeouts
graphql=http://127.0.0.1:$((port + 2))/graphql
warm "$graphql" case-context
warm "$graphql" dossier-list
row "no loaders" "$graphql" case-context "$concurrency"
row "no loaders" "$graphql" dossier-list "$concurrency"
echo "no-loader peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)" >&2
stop

if ((failed)); then
    fail "some rows had failed requests; see the errors column and the load lines above"
fi
