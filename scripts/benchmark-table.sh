#!/usr/bin/env bash
# Measure the gateway, the raw-SQL floor and the no-loader mode on one data
# set and print the rows of the table in BENCHMARKS.md.
#
# usage: scripts/benchmark-table.sh DATA [DURATION] [CONCURRENCY]
#   DATA is a data folder seeded with `lienthong seed --data-dir`, or
#   postgres:PREFIX for the four PostgreSQL databases PREFIX_population,
#   PREFIX_civilstatus, PREFIX_business and PREFIX_procedures on
#   127.0.0.1:5432. DURATION defaults to 20s and CONCURRENCY to 8.
# needs: a built ./lienthong (go build -o lienthong ./cmd/lienthong), curl.
set -euo pipefail
data=$1
duration=${2:-20s}
concurrency=${3:-8}

export LIENTHONG_JWT_SECRET=benchmark-table-secret-of-32-bytes-or-more
export LIENTHONG_AUDIT_KEY=${LIENTHONG_AUDIT_KEY:-script-audit-key-of-32-bytes-or-more}
scratch=$(mktemp -d)
dir=$scratch
if [[ $data == postgres:* ]]; then
    base=postgres://postgres@127.0.0.1:5432/${data#postgres:}
    export LIENTHONG_POPULATION_DSN=${base}_population
    export LIENTHONG_CIVILSTATUS_DSN=${base}_civilstatus
    export LIENTHONG_BUSINESS_DSN=${base}_business
    export LIENTHONG_PROCEDURES_DSN=${base}_procedures
else
    dir=$data
fi
token=$(./lienthong token -role central-officer)
# The no-loader mode's thousand one-key statements per list queue for the
# pool, so its statements run without the 5-second timeout.
no_timeouts="--population-statement-timeout 0 --civilstatus-statement-timeout 0
  --business-statement-timeout 0 --procedures-statement-timeout 0"

pid=
stop() {
    if [[ -n $pid ]]; then
        kill "$pid"
        wait "$pid" || true
        pid=
    fi
}
trap stop EXIT

# start PORT FLAGS... serves the data set in the background. Each server
# keeps its audit trail in a scratch file under this script's key, so a
# trail that an earlier serve wrote into the data folder is left alone.
start() {
    local port=$1
    shift
    ./lienthong serve --addr "127.0.0.1:$port" --data-dir "$dir" --demo-citizens 0 \
        --audit-dsn "$scratch/audit-$port.db" --sources-extension on --shutdown-delay 0 \
        "$@" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
        curl -s -o /dev/null "127.0.0.1:$port/healthz" && return
        sleep 0.5
    done
    echo "server on port $port did not start" >&2
    exit 1
}

# warm URL WORKLOAD runs the workload for a few seconds and prints nothing,
# so the first row of a server does not pay for reading the data files into
# the page cache.
warm() {
    ./lienthong load --url "$1" --workload "$2" --concurrency "$concurrency" \
        --duration 5s --timeout 120s --token "$token" --graphql-url "$graphql" >/dev/null 2>&1
}

# server_ticks prints the user and system time of the server, in clock ticks.
server_ticks() {
    awk '{print $14 + $15}' "/proc/$pid/stat"
}

# row MODE URL WORKLOAD CONCURRENCY prints one table row. Server CPU is the
# processor time the server spent per request, which depends less than
# req/s on what else the machine runs.
row() {
    local mode=$1 url=$2 workload=$3 c=$4
    local load before out
    load=$(uptime | sed 's/.*load average: \([0-9.]*\),.*/\1/')
    before=$(server_ticks)
    out=$(./lienthong load --url "$url" --workload "$workload" --concurrency "$c" \
        --duration "$duration" --timeout 120s --token "$token" --graphql-url "$graphql")
    awk -v mode="$mode" -v c="$c" -v avg="$load" -v workload="$workload" \
        -v ticks=$(($(server_ticks) - before)) -v hz="$(getconf CLK_TCK)" '
        $1 == workload {
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s |\n",
                mode, $1, c, $3, $4, $6, $9, $10, ticks * 1000 / hz / ($2 > 0 ? $2 : 1), avg
        }' <<<"$out"
}

echo "| mode | workload | concurrency | req/s | p50 ms | p99 ms | statements/req | SQL ms/req | server CPU ms/req | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|"

start 18191
graphql=http://127.0.0.1:18191/graphql
warm "$graphql" case-context
warm "$graphql" dossier-list
row gateway "$graphql" case-context "$concurrency"
row gateway "$graphql" dossier-list "$concurrency"
row gateway "$graphql" case-context 1
echo "gateway peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)" >&2
stop

start 18192 --raw-baseline
graphql=http://127.0.0.1:18192/graphql
warm http://127.0.0.1:18192/raw/case-context case-context
warm http://127.0.0.1:18192/raw/dossier-list dossier-list
row "raw-SQL floor" http://127.0.0.1:18192/raw/case-context case-context "$concurrency"
row "raw-SQL floor" http://127.0.0.1:18192/raw/dossier-list dossier-list "$concurrency"
row "raw-SQL floor" http://127.0.0.1:18192/raw/case-context case-context 1
echo "floor peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)" >&2
stop

# shellcheck disable=SC2086
start 18193 --no-batching $no_timeouts
graphql=http://127.0.0.1:18193/graphql
warm "$graphql" case-context
warm "$graphql" dossier-list
row "no loaders" "$graphql" case-context "$concurrency"
row "no loaders" "$graphql" dossier-list "$concurrency"
echo "no-loader peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)" >&2
stop
