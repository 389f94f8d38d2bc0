#!/usr/bin/env bash
# Serve the four PostgreSQL databases PREFIX_population, PREFIX_civilstatus,
# PREFIX_business and PREFIX_procedures on 127.0.0.1:PORT and print the
# median and minimum of 5 CaseContext requests (after one warm-up) for the
# showcase dossier and 9 dossiers picked by hash of their code.
#
# usage: scripts/casecontext-latency.sh PREFIX PORT
# needs: a built ./lienthong (go build ./cmd/lienthong), curl, jq, psql.
set -euo pipefail
prefix=$1
port=$2
base=postgres://postgres@127.0.0.1:5432/$prefix
export LIENTHONG_POPULATION_DSN=${base}_population
export LIENTHONG_CIVILSTATUS_DSN=${base}_civilstatus
export LIENTHONG_BUSINESS_DSN=${base}_business
export LIENTHONG_PROCEDURES_DSN=${base}_procedures

./lienthong serve --addr "127.0.0.1:$port" --data-dir "$(mktemp -d)" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid' EXIT
for _ in $(seq 1 60); do
    curl -s -o /dev/null "127.0.0.1:$port/graphql" && break
    sleep 1
done

query=$(cat server/examples/CaseContext.graphql)
codes=$(psql -h 127.0.0.1 -U postgres -d "${prefix}_procedures" -Atc \
    "SELECT code FROM dossiers ORDER BY md5(code) LIMIT 9")
for code in 058.00.30.H08-261126-0001 $codes; do
    body=$(jq -n --arg q "$query" --arg c "$code" '{query: $q, variables: {code: $c}}')
    post() { curl -s -H 'Content-Type: application/json' -d "$body" "$@" "127.0.0.1:$port/graphql"; }
    post -o /dev/null
    for _ in 1 2 3 4 5; do
        post -o /dev/null -w '%{time_total}\n'
    done | sort -n | awk -v c="$code" '{t[NR] = $1} END {printf "%s median %.1f ms, min %.1f ms\n", c, t[3] * 1000, t[1] * 1000}'
done
