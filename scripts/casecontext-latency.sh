#!/usr/bin/env bash
# Serve the four PostgreSQL databases PREFIX_population, PREFIX_civilstatus,
# PREFIX_business and PREFIX_procedures on 127.0.0.1:PORT and drive the
# CaseContext query over random dossiers of the data set, one request at a
# time, for DURATION (default 30s). Prints the load command's report:
# throughput, latency percentiles and statements per request.
#
# usage: scripts/casecontext-latency.sh PREFIX PORT [DURATION]
# needs: a built ./lienthong (go build ./cmd/lienthong) and curl.
set -euo pipefail
prefix=$1
port=$2
duration=${3:-30s}
base=postgres://postgres@127.0.0.1:5432/$prefix
export LIENTHONG_POPULATION_DSN=${base}_population
export LIENTHONG_CIVILSTATUS_DSN=${base}_civilstatus
export LIENTHONG_BUSINESS_DSN=${base}_business
export LIENTHONG_PROCEDURES_DSN=${base}_procedures
export LIENTHONG_JWT_SECRET=casecontext-latency-secret-of-32-bytes-or-more
export LIENTHONG_AUDIT_KEY=${LIENTHONG_AUDIT_KEY:-script-audit-key-of-32-bytes-or-more}

./lienthong serve --addr "127.0.0.1:$port" --data-dir "$(mktemp -d)" --sources-extension on --shutdown-delay 0 >/dev/null 2>&1 &
pid=$!
trap 'kill $pid; wait $pid || true' EXIT
for _ in $(seq 1 60); do
    curl -s -o /dev/null "127.0.0.1:$port/graphql" && break
    sleep 1
done

token=$(./lienthong token -role central-officer)
# A first pass warms the connection pools and the operating system's cache
# of the index pages the query reads, as a server in service has them.
./lienthong load --url "http://127.0.0.1:$port/graphql" --workload case-context \
    --concurrency 1 --duration 10s --seed 2 --token "$token" >/dev/null
./lienthong load --url "http://127.0.0.1:$port/graphql" --workload case-context \
    --concurrency 1 --duration "$duration" --token "$token"
