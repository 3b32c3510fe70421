#!/usr/bin/env bash
# Boyi benchmarks. One command per benchmark; figures and method in docs/benchmarks.md.
#
#   bench/run.sh import         gRPC import of the demo county file (CSV and XLSX) ÷ psql \copy of the same rows
#   bench/run.sh gethousehold   h2load GetHousehold ÷ 1/(1/empty RPC + 1/pgbench of the same SQL)
#   bench/run.sh coverage       coverage, uncovered list and planner at county and province scale ÷ count(*)
#   bench/run.sh subsidy        interest-subsidy run over 20,000 loans ÷ one INSERT … SELECT computing the same rows
#   bench/run.sh compliance     county contact-duty compliance over a year of contacts ÷ count(*) of them; the daily alert job
#   bench/run.sh commendations  a commendation round over 2,000 enterprises with a year of data ÷ one SQL query of the same metrics
#   bench/run.sh exits          exit progress and the exit status and incidence of all 380 villages of the demo county ÷ count(*) of its members
#   bench/run.sh hangfire       Hangfire jobs/s: a job writing one notification ÷ an empty job, on Boyi's storage
#   bench/run.sh replica        the primary's load under a read-heavy load (lists, coverage, exports) with ÷ without a read replica
#   bench/run.sh twoservers     a mixed read/write load through two servers on one database ÷ through one (requests/s)
#   bench/run.sh all            all of them, in that order
#   bench/run.sh seed           only seed the county and province databases (to do the slow part ahead, on a busy machine)
#   bench/run.sh clean          stop and delete the benchmark PostgreSQL cluster (the cached province with it)
#
# It installs what is missing (as root, with apt-get), builds Release, starts its own PostgreSQL cluster in
# $BOYI_BENCH_HOME (default /tmp/boyi-bench, kept between runs so the province is seeded once) and its own
# Boyi servers, and writes results to bench/out/ (git-ignored). Environment knobs:
#   ROUNDS=5          timed rounds per benchmark (interleaved; medians are reported)
#   DURATION=10       seconds per h2load/pgbench run
#   CONCURRENCY=16    concurrent requests: h2load streams (H2_CONNECTIONS connections × CONCURRENCY/H2_CONNECTIONS
#                     streams each) = pgbench clients
#   H2_CONNECTIONS=4  HTTP/2 connections h2load opens
#   SERVER_CS_EXTRA=  appended to the server's connection string, to try a setting (e.g. "No Reset On Close=true")
#   PROVINCE=40       counties in the province database
#   JOBS=2000         jobs per kind and round in the Hangfire benchmark
#   BUILD=1           0: use the build already in the output folders (to rerun with another setting)
#   WRITES=1          twoservers: 0 sends GetHousehold in place of the writes (a read-only load)
#   PIN=0             twoservers: 1 pins the first server to CPU 0 and the second to CPU 1 (taskset)
#   PERF=0            1: perf record the server during gethousehold's CPU-split run of GetHousehold
#                     (bench/out/gethousehold/perf.data; the server gets DOTNET_PerfMapEnabled=1 for the symbols)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench/out
BENCH_HOME=${BOYI_BENCH_HOME:-/tmp/boyi-bench}
PGDATA=$BENCH_HOME/pg
PGSOCK=$BENCH_HOME/sock
PGPORT=${BOYI_BENCH_PGPORT:-55432}
GRPC_PORT=${BOYI_BENCH_GRPC_PORT:-55081}
HTTP_PORT=${BOYI_BENCH_HTTP_PORT:-55080}
GRPC_PORT_B=${BOYI_BENCH_GRPC_PORT_B:-55083}   # the second server of twoservers
HTTP_PORT_B=${BOYI_BENCH_HTTP_PORT_B:-55082}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
CONCURRENCY=${CONCURRENCY:-16}
H2_CONNECTIONS=${H2_CONNECTIONS:-4}
SERVER_CS_EXTRA=${SERVER_CS_EXTRA:-}
PROVINCE=${PROVINCE:-40}
COUNTY=450923
COUNTY_DB=boyi_county
IMPORT_DB=boyi_import
PROVINCE_DB=boyi_province
REPLICA_PORT=${BOYI_BENCH_REPLICA_PORT:-55433}
REPLICA_DATA=$BENCH_HOME/replica
REPLICA_CS=""
PGBIN=""
SERVER_PID=""
SERVER_PIDS=()
PG_STARTED=""
REPLICA_STARTED=""

# The same PostgreSQL settings for both sides of every ratio: what Boyi's own (durable) embedded cluster uses,
# fsync and synchronous_commit on, everything else PostgreSQL 15's defaults.
PG_SETTINGS="-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGSOCK -c max_connections=200 -c shared_buffers=256MB -c max_prepared_transactions=64"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

as_pg() {
  # PostgreSQL refuses to run as root: as root, run its programs as the postgres user, from a folder it may read.
  if [ "$(id -u)" = 0 ]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi
}

# ---------------------------------------------------------------------------------------------- setup ---
ensure_tools() {
  local missing=()
  command -v dotnet >/dev/null || die "the .NET 10 SDK is needed (dotnet on PATH)"
  command -v h2load >/dev/null || missing+=(nghttp2-client)
  command -v nghttp >/dev/null || missing+=(nghttp2-client)
  command -v curl >/dev/null || missing+=(curl)
  # The native `boyi` (src/Boyi.Cli.Native, ahead-of-time compiled) is linked with clang against zlib.
  command -v clang >/dev/null || missing+=(clang)
  [ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pgbench" ]; then missing+=(postgresql postgresql-contrib); fi
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die "missing: ${missing[*]} (install them, e.g. apt-get install -y ${missing[*]})"
    log "installing ${missing[*]} (apt-get)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
}

build() {
  log "building Release (server, harness) and publishing the CLI as a user installs it (README): managed ready-to-run, and the native boyi beside it"
  for p in src/Boyi.Server bench/Boyi.Bench; do
    dotnet build -c Release -nologo -v q "$ROOT/$p" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "build of $p failed"; }
  done
  dotnet publish "$ROOT/src/Boyi.Cli" -c Release -nologo -v q -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -p:UseAppHost=false -o "$OUT/cli" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "publish of src/Boyi.Cli failed"; }
  dotnet publish "$ROOT/src/Boyi.Cli.Native" -c Release -nologo -v q -r linux-x64 \
    -o "$OUT/cli" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "publish of src/Boyi.Cli.Native failed"; }
}

SERVER_DLL() { echo "$ROOT/src/Boyi.Server/bin/Release/net10.0/Boyi.Server.dll"; }
CLI() { "$OUT/cli/boyi" "$@"; }
HARNESS() { dotnet "$ROOT/bench/Boyi.Bench/bin/Release/net10.0/Boyi.Bench.dll" "$@"; }
cs() { echo "Host=127.0.0.1;Port=$PGPORT;Username=boyi;Database=$1"; }
PSQL() { local db=$1; shift; "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U boyi -d "$db" "$@"; }

pg_start() {
  mkdir -p "$BENCH_HOME"
  chmod 755 "$BENCH_HOME"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    log "creating the benchmark PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDATA" "$PGSOCK"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PGDATA" "$PGSOCK"
    # trust on 127.0.0.1 only: a throw-away benchmark cluster.
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U boyi --auth=trust -E UTF8 --locale=C.UTF-8 --no-instructions >"$OUT/initdb.log"
  fi
  mkdir -p "$PGSOCK"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGSOCK"
  if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    log "PostgreSQL already running in $PGDATA"
  else
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/postgres.log" -o "$PG_SETTINGS" -w -t 120 start >/dev/null
    PG_STARTED=1
    log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (fsync on, shared_buffers 256MB)"
  fi
  # Diagnostics below set a few settings with ALTER SYSTEM and reset them; start from none, whatever happened before.
  PSQL postgres -c "ALTER SYSTEM RESET ALL" -c "SELECT pg_reload_conf()" >/dev/null
}

pg_stop() {
  [ -n "$PG_STARTED" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  PG_STARTED=""
}

db_exists() { [ "$(PSQL postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

ensure_county_db() {
  db_exists $COUNTY_DB || PSQL postgres -c "CREATE DATABASE $COUNTY_DB"
  HARNESS seed --cs "$(cs $COUNTY_DB)" --keys "$BENCH_HOME/keys" | sed 's/^/  /' >&2
}

ensure_province_db() {
  db_exists $PROVINCE_DB || PSQL postgres -c "CREATE DATABASE $PROVINCE_DB"
  log "province: $PROVINCE counties (seeded once, ~3 min, then kept in $PGDATA)"
  HARNESS seed --cs "$(cs $PROVINCE_DB)" --keys "$BENCH_HOME/keys" --province "$PROVINCE" | grep -Ev '^\[seed\] (\[|county [0-9]+: households)' | sed 's/^/  /' >&2
}

# server_start DB LOGFILE: a Release Boyi server on the given database, no demo seeding, timestamped one-line logs,
# on GRPC_PORT and HTTP_PORT (a second one: with those set for the call), pinned to PIN_CPU's CPUs when set, migrating
# the database unless MIGRATE=false.
# It runs in its output folder, as a deployed server does: its content root is the current directory, and from
# anywhere else it would not find its appsettings.json (whose log levels keep per-request logging off).
server_start() {
  local db=$1 logfile=$2
  (cd "$(dirname "$(SERVER_DLL)")" && exec env ConnectionStrings__Boyi="$(cs "$db")${SERVER_CS_EXTRA:+;$SERVER_CS_EXTRA}" Boyi__Demo=false Boyi__Migrate="${MIGRATE:-true}" \
      ${REPLICA_CS:+ConnectionStrings__BoyiReplica="$REPLICA_CS"} Boyi__Jobs__Enabled="${SERVER_JOBS:-true}" \
      Boyi__GrpcPort=$GRPC_PORT Boyi__HttpPort=$HTTP_PORT Boyi__Auth__KeyDirectory="$BENCH_HOME/keys" DOTNET_ENVIRONMENT=Production \
      Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true \
      Logging__Console__FormatterOptions__TimestampFormat='HH:mm:ss.fff ' DOTNET_PerfMapEnabled="${PERF:-0}" \
      ${PIN_CPU:+taskset -c "$PIN_CPU"} dotnet "$(basename "$(SERVER_DLL)")" --Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics="${HOSTING_LOG:-Warning}" \
      >"$logfile" 2>&1) &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  for _ in $(seq 1 240); do
    grep -q '^\[boyi\] gRPC' "$logfile" 2>/dev/null && { log "Boyi server (pid $SERVER_PID) on $db, gRPC http://127.0.0.1:$GRPC_PORT"; bench_token "$db"; return; }
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$logfile" >&2; die "the server exited"; }
    sleep 0.5
  done
  die "the server did not start in 120 s (see $logfile)"
}

# bench_token DB: registers a machine client with every scope on DB (as an operator would, with `boyi clients add`)
# and takes an access token at the server's token endpoint: BOYI_TOKEN (read by the CLI and the harness) and the
# Authorization header of h2load and nghttp. Tokens last an hour, longer than any benchmark.
bench_token() {
  local id="bench-$(date +%s%N)" creds secret
  creds=$(CLI clients add "$id" --scopes registry.read,registry.write,households.read,households.write,cadres.read,cadres.write,pairing.read,pairing.write,personal_data,province.read${TOKEN_SCOPES:+,$TOKEN_SCOPES} \
          --name "benchmark" --connection "$(cs "$1")") || die "could not register the benchmark client: $creds"
  secret=$(sed -n 's/^client_secret: *//p' <<<"$creds")
  # A few tries: the previous server may still be letting go of the port, or this one not yet listening on it.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    BOYI_TOKEN=$(curl -s -d grant_type=client_credentials -d "client_id=$id" -d "client_secret=$secret" \
      "http://127.0.0.1:$HTTP_PORT/connect/token" | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
    [ -n "$BOYI_TOKEN" ] && break
    sleep 0.5
  done
  [ -n "$BOYI_TOKEN" ] || die "no token from the token endpoint"
  export BOYI_TOKEN
  AUTH_HEADER="authorization: Bearer $BOYI_TOKEN"
}

server_stop() { # stops every server started
  local pid
  for pid in ${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
  SERVER_PID=""
}

cleanup() { server_stop; replica_stop; pg_stop; }
trap cleanup EXIT
trap 'exit 130' INT TERM

machine() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- load average when the benchmark ended: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this shared machine shows here)"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "- .NET $(dotnet --version), server connection string extras: '${SERVER_CS_EXTRA:-none}', PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') ($PG_SETTINGS; fsync on), git $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet -- src 2>/dev/null || echo ' + uncommitted src changes')"
}

# --------------------------------------------------------------------------------------------- import ---
H_COLS="id, county_id, town_id, village_id, head_name, member_count, phone_cipher, phone_hash, poverty_causes, per_capita_income_fen, has_labour_capacity, willing_to_run_industry, classification, status, lifted_year, is_paired, version, create_time, update_time, next_member_id"
M_COLS="household_id, member_id, county_id, full_name, relation, id_card_cipher, id_card_hash, birth_date, health, labour_capacity, household_deleted"
S_COLS="household_id, county_id, from_status, to_status, lifted_year, reason, change_time"

# Empties the county of households (CASCADE: every table that references them goes too — pairings, linkage targets,
# placements, loans with their interest dues and ledger rows, contact records, events, problems, help plans…; the
# import writes none of them) and rewinds the household numbers, then settles the database so each timed run starts
# from the same state. The subsidy ledger refuses TRUNCATE by a trigger (paid rows never go); this scratch database
# turns triggers off for the statement (replica role).
import_reset() {
  PSQL $IMPORT_DB -c "SET session_replication_role = replica" \
    -c "TRUNCATE households, pairing_proposals, idempotency_keys CASCADE" \
    -c "RESET session_replication_role" \
    -c "UPDATE villages SET next_household_seq = 1 WHERE next_household_seq <> 1" \
    -c "ANALYZE households, household_members, household_status_changes, villages" -c "CHECKPOINT"
  sleep 1
}

psql_load() {
  PSQL $IMPORT_DB -1 \
    -c "\\copy households ($H_COLS) FROM '$1/households.csv' (FORMAT csv)" \
    -c "\\copy household_members ($M_COLS) FROM '$1/household_members.csv' (FORMAT csv)" \
    -c "\\copy household_status_changes ($S_COLS) FROM '$1/household_status_changes.csv' (FORMAT csv)"
}

# import_breakdown LOG FROM_LINE: server-side phases of the one import logged after line FROM_LINE, in ms:
# request, receive (+ villages), read+check, write (ID check, numbers, COPY), commit+reply
import_breakdown() {
  tail -n +"$(( $2 + 1 ))" "$1" | awk '
    function ms(t) { split(t, a, /[:.]/); return ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] }
    /Request starting HTTP\/2 POST .*ImportHouseholds/ { start = ms($1) }
    /rows read and checked in/ { checked = ms($1); match($0, /checked in [0-9]+ ms/); check = substr($0, RSTART + 11, RLENGTH - 14) + 0 }
    /wrote [0-9]+ households/ { wrote = ms($1) }
    /Request finished HTTP\/2 POST .*ImportHouseholds/ { fin = ms($1); match($0, /[0-9.]+ms$/); req = substr($0, RSTART, RLENGTH - 2) + 0 }
    END { if (!start || !checked || !wrote || !fin) { print "nan nan nan nan nan"; exit }
          printf "%.0f %d %d %d %d\n", req, checked - check - start, check, wrote - checked, fin - wrote }'
}

# pg_statement_times LABEL CMD…: runs CMD once with PostgreSQL logging every statement's duration, and prints
# LABEL, ms in COPY households, COPY household_members, COPY household_status_changes, other statements, their count.
pg_statement_times() {
  local label=$1; shift
  local from
  PSQL postgres -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  from=$(wc -l <"$PGDATA/postgres.log")
  "$@" >/dev/null
  PSQL postgres -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
  tail -n +"$((from + 1))" "$PGDATA/postgres.log" | awk -v label="$label" '
    /duration: [0-9.]+ ms/ {
      match($0, /duration: [0-9.]+ ms/); ms = substr($0, RSTART + 10, RLENGTH - 13) + 0
      if ($0 ~ /ALTER SYSTEM|pg_reload_conf/) next
      if ($0 ~ /COPY +households /) h += ms; else if ($0 ~ /COPY +household_members /) m += ms
      else if ($0 ~ /COPY +household_status_changes /) st += ms; else { o += ms; n++ }
    }
    END { printf "%s\t%.0f\t%.0f\t%.0f\t%.0f\t%d\n", label, h, m, st, o, n }'
}

bench_import() {
  local dir=$OUT/import
  rm -rf "$dir"; mkdir -p "$dir/rows"
  ensure_county_db

  log "exporting the demo county (CSV, XLSX) from $COUNTY_DB"
  server_start $COUNTY_DB "$dir/server-export.log"
  CLI export "$dir/demo.csv" --parent counties/$COUNTY --full-reason "benchmark: the demo county re-imported" --server "http://127.0.0.1:$GRPC_PORT" >&2
  CLI export "$dir/demo.xlsx" --parent counties/$COUNTY --full-reason "benchmark: the demo county re-imported" --server "http://127.0.0.1:$GRPC_PORT" >&2
  server_stop
  local households people
  households=$(PSQL $COUNTY_DB -tAc "SELECT count(*) FROM households WHERE county_id = $COUNTY AND delete_time IS NULL")
  people=$(PSQL $COUNTY_DB -tAc "SELECT count(*) FROM household_members WHERE county_id = $COUNTY AND NOT household_deleted")

  log "making $IMPORT_DB: the same county, towns, villages and cadres, no households"
  PSQL postgres -c "DROP DATABASE IF EXISTS $IMPORT_DB WITH (FORCE)" -c "CREATE DATABASE $IMPORT_DB TEMPLATE $COUNTY_DB"
  PSQL $IMPORT_DB -c "UPDATE cadres SET active_pairings = 0"
  import_reset

  HOSTING_LOG=Information server_start $IMPORT_DB "$dir/server-import.log"
  local server="http://127.0.0.1:$GRPC_PORT"
  # Warm-up (JIT, caches), and the rows a successful import wrote, as CSV for the psql side.
  log "warm-up import, then the imported rows as CSV (COPY (SELECT …) TO)"
  CLI import "$dir/demo.csv" --county $COUNTY --server "$server" >&2
  PSQL $IMPORT_DB -c "\\copy (SELECT $H_COLS FROM households ORDER BY id) TO '$dir/rows/households.csv' (FORMAT csv)" \
    -c "\\copy (SELECT $M_COLS FROM household_members ORDER BY household_id, member_id) TO '$dir/rows/household_members.csv' (FORMAT csv)" \
    -c "\\copy (SELECT $S_COLS FROM household_status_changes ORDER BY id) TO '$dir/rows/household_status_changes.csv' (FORMAT csv)"
  local got
  got=$(PSQL $IMPORT_DB -tAc "SELECT (SELECT count(*) FROM households) || ' ' || (SELECT count(*) FROM household_members)")
  [ "$got" = "$households $people" ] || die "import wrote $got households/people, the county has $households $people"
  import_reset
  psql_load "$dir/rows"   # warm-up of the psql side
  # More warm-ups: after one import the server is still compiling a few hundred methods per import (tier-1
  # recompilation of per-request code), which a long-running server has long since done.
  local w
  for w in 1 2; do
    import_reset
    CLI import "$dir/demo.csv" --county $COUNTY --server "$server" >/dev/null
    import_reset
    CLI import "$dir/demo.xlsx" --county $COUNTY --server "$server" >/dev/null
  done

  : >"$dir/rounds.tsv"
  printf 'round\tkind\twall_ms\trequest_ms\treceive_ms\tread_check_ms\twrite_ms\tcommit_reply_ms\n' >"$dir/rounds.tsv"
  local r kind t0 wall from
  for r in $(seq 1 "$ROUNDS"); do
    for kind in csv psql xlsx; do
      import_reset
      from=$(wc -l <"$dir/server-import.log")
      t0=$(now_ns)
      case $kind in
        psql) psql_load "$dir/rows" ;;
        csv) CLI import "$dir/demo.csv" --county $COUNTY --server "$server" >"$dir/cli.out" ;;
        xlsx) CLI import "$dir/demo.xlsx" --county $COUNTY --server "$server" >"$dir/cli.out" ;;
      esac
      wall=$(ms_since "$t0")
      if [ "$kind" = psql ]; then
        printf '%s\tpsql\t%s\t\t\t\t\t\n' "$r" "$wall" >>"$dir/rounds.tsv"
      else
        grep -q "imported $households households" "$dir/cli.out" || { cat "$dir/cli.out" >&2; die "import failed"; }
        sleep 0.2   # let the server write its request log line
        printf '%s\t%s\t%s\t%s\n' "$r" "$kind" "$wall" "$(import_breakdown "$dir/server-import.log" "$from" | tr ' ' '\t')" >>"$dir/rounds.tsv"
      fi
      log "round $r/$ROUNDS: $kind $wall ms"
    done
  done

  # Where PostgreSQL's time goes: one more run of each with every statement's duration logged (not timed above).
  log "statement times in PostgreSQL (one more run of each)"
  : >"$dir/statements.tsv"
  import_reset; pg_statement_times "boyi import demo.csv" CLI import "$dir/demo.csv" --county $COUNTY --server "$server" >>"$dir/statements.tsv"
  import_reset; pg_statement_times "psql \\copy" psql_load "$dir/rows" >>"$dir/statements.tsv"
  server_stop

  col_median() { awk -F'\t' -v k="$1" -v c="$2" '$2 == k { print $c }' "$dir/rounds.tsv" | median; }
  round_ratio() { awk -F'\t' -v k="$1" '$2 == "psql" { p[$1] = $3 } $2 == k { v[$1] = $3 } END { for (r in v) if (r in p) printf "%.3f\n", p[r] / v[r] }' "$dir/rounds.tsv" | median | xargs printf '%.2f'; }
  local psql_ms csv_ms xlsx_ms
  psql_ms=$(col_median psql 3); csv_ms=$(col_median csv 3); xlsx_ms=$(col_median xlsx 3)
  {
    echo "## Import — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- data: demo county $COUNTY, $households households, $people people; demo.csv $(du -k "$dir/demo.csv" | cut -f1) KiB, demo.xlsx $(du -k "$dir/demo.xlsx" | cut -f1) KiB; $ROUNDS interleaved rounds (csv, psql, xlsx), reset before each run"
    echo
    echo "| run | median ms (wall) | ratio psql ÷ this (goal ≥ 1.1) |"
    echo "| --- | ---: | ---: |"
    echo "| boyi import demo.csv (gRPC) | $csv_ms | $(calc "$psql_ms / $csv_ms" 2) |"
    echo "| boyi import demo.xlsx (gRPC) | $xlsx_ms | $(calc "$psql_ms / $xlsx_ms" 2) |"
    echo "| psql -1 \\copy ×3 (same rows, CSV) | $psql_ms | 1.00 |"
    echo
    echo "Median of the per-round ratios (each round's psql ÷ that round's import, robust to load drifting between rounds): CSV $(round_ratio csv), XLSX $(round_ratio xlsx)."
    echo
    echo "Server-side phases (medians, ms): request = receive (stream in, load villages) + read/parse/check + write (ID-card check, numbers, COPY) + commit/reply"
    echo
    echo "| file | request | receive | read+check | write | commit+reply | CLI wall − request |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for kind in csv xlsx; do
      echo "| $kind | $(col_median $kind 4) | $(col_median $kind 5) | $(col_median $kind 6) | $(col_median $kind 7) | $(col_median $kind 8) | $(awk -F'\t' -v k=$kind '$2 == k { print $3 - $4 }' "$dir/rounds.tsv" | median) |"
    done
    echo
    echo "Time inside PostgreSQL per statement (ms, one extra run each with log_min_duration_statement = 0):"
    echo
    echo "| run | COPY households | COPY household_members | COPY household_status_changes | other statements (count) |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s (%s) |\n", $1, $2, $3, $4, $5, $6 }' "$dir/statements.tsv"
    echo
    echo "Every run: see bench/out/import/rounds.tsv"
  } | tee "$OUT/import.md"
}

# ------------------------------------------------------------------------------------------ gethousehold ---
h2load_rps() { # h2load_rps BODY PATH → req/s (fails unless every request got HTTP 200)
  local out
  out=$(h2load -c "$H2_CONNECTIONS" -m $((CONCURRENCY / H2_CONNECTIONS)) -t 1 -D "$DURATION" --warm-up-time=1 \
    -H 'content-type: application/grpc' -H 'te: trailers' -H "$AUTH_HEADER" -d "$1" "http://127.0.0.1:$GRPC_PORT$2" 2>&1)
  echo "$out" >>"$GH_DIR/h2load.log"
  local n_done ok
  n_done=$(echo "$out" | awk '/^requests:/ { print $8 }')
  ok=$(echo "$out" | awk '/^status codes:/ { print $3 }')
  [ -n "$n_done" ] && [ "$n_done" = "$ok" ] && [ "$n_done" -gt 0 ] || { echo "$out" >&2; die "h2load: not every request answered 200"; }
  echo "$out" | awk '/^finished in/ { gsub(",", "", $4); print $4 }'
}

pgbench_tps() { # pgbench_tps SCRIPT → transactions/s (one transaction = one GetHousehold's statements)
  local out
  out=$("$PGBIN/pgbench" -n -M prepared -c "$CONCURRENCY" -j 1 -T "$DURATION" -f "$1" -h 127.0.0.1 -p "$PGPORT" -U boyi $COUNTY_DB 2>&1)
  echo "$out" >>"$GH_DIR/pgbench.log"
  echo "$out" | grep -q 'number of failed transactions: 0' || { echo "$out" >&2; die "pgbench failed"; }
  echo "$out" | awk '/^tps = / { print $3 }'
}

grpc_status_ok() { # grpc_status_ok BODY PATH: one call through nghttp, grpc-status must be 0
  local file
  file="$GH_DIR/nghttp-$(basename "$2").log"
  nghttp -v -H 'content-type: application/grpc' -H 'te: trailers' -H "$AUTH_HEADER" -d "$1" "http://127.0.0.1:$GRPC_PORT$2" >"$file" 2>&1 || true
  grep -aq 'grpc-status: 0' "$file" || { grep -a 'grpc-\|:status' "$file" >&2; die "$2 did not answer grpc-status 0 (see $file)"; }
}

# CPU time (user + system, in clock ticks) of every process: pid comm ticks parent-pid
cpu_snapshot() {
  local f line
  for f in /proc/[0-9]*/stat; do { read -r line <"$f"; } 2>/dev/null && echo "$line"; done |
    awk '{ i = index($0, "("); j = index($0, ") "); comm = substr($0, i + 1, j - i - 1); split(substr($0, j + 2), a, " "); print $1, comm, a[12] + a[13], a[2] }'
}

# cpu_cores S0 S1 SECONDS SERVER_PIDS [CLIENT_PID]: the cores used between two cpu_snapshots SECONDS apart by the Boyi
# servers (SERVER_PIDS, space-separated), our PostgreSQL (its postmaster and backends: other clusters on this machine
# count as "other"), the load generator (h2load, pgbench, or CLIENT_PID and its children) and everything else:
# "server postgres client other".
cpu_cores() {
  awk -v w="$3" -v hz="$(getconf CLK_TCK)" -v srv=" $4 " -v pm="$(head -1 "$PGDATA/postmaster.pid")" -v cl="${5:--}" '
    NR == FNR { t0[$1] = $3; next }
    { d = $3 - (($1 in t0) ? t0[$1] : 0)
      if (index(srv, " " $1 " ")) g = "server"; else if ($1 == pm || $4 == pm) g = "pg"
      else if ($2 ~ /^(h2load|pgbench)$/ || $1 == cl || $4 == cl) g = "client"; else g = "other"
      c[g] += d / hz / w }
    END { printf "%.4f %.4f %.4f %.4f\n", c["server"], c["pg"], c["client"], c["other"] }' <(echo "$1") <(echo "$2")
}

# cpu_split LABEL RUNNER ARGS…: runs the load in the background and measures, from 2 s in until 2 s before its end,
# the cores used by the Boyi server, our PostgreSQL and the load generator (cpu_cores).
cpu_split() {
  local label=$1; shift
  local window=$((DURATION - 4)) s0 s1 rate load_pid srv pg client other
  "$@" >"$GH_DIR/cpu-rate.txt" &
  load_pid=$!
  sleep 2; s0=$(cpu_snapshot); sleep "$window"; s1=$(cpu_snapshot)
  wait "$load_pid"
  rate=$(cat "$GH_DIR/cpu-rate.txt")
  read -r srv pg client other <<<"$(cpu_cores "$s0" "$s1" "$window" "$SERVER_PID")"
  awk -v rate="$rate" -v label="$label" -v s="$srv" -v p="$pg" -v c="$client" -v o="$other" \
    'BEGIN { printf "%s\t%s\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t%.2f\n", label, rate, s, p, c, s * 1e6 / rate, p * 1e6 / rate, c * 1e6 / rate, o }' >>"$GH_DIR/cpu.tsv"
}

bench_gethousehold() {
  GH_DIR=$OUT/gethousehold
  rm -rf "$GH_DIR"; mkdir -p "$GH_DIR"
  ensure_county_db
  # A typical household: five members, the county's median size.
  local id members
  id=$(PSQL $COUNTY_DB -tAc "SELECT id FROM households WHERE member_count = 5 AND delete_time IS NULL ORDER BY id OFFSET 1000 LIMIT 1")
  members=$(PSQL $COUNTY_DB -tAc "SELECT count(*) FROM household_members WHERE household_id = $id")
  HARNESS frames --household "$id" --out "$GH_DIR" >&2
  server_start $COUNTY_DB "$GH_DIR/server.log"
  local GET=/boyi.v1.HouseholdService/GetHousehold EMPTY=/grpc.health.v1.Health/Check
  grpc_status_ok "$GH_DIR/gethousehold.bin" $GET
  grpc_status_ok "$GH_DIR/health-liveness.bin" $EMPTY
  log "households/$id ($members members) and Health/Check(liveness) answer grpc-status 0; warming up (JIT tiers, pools)"
  DURATION=10 h2load_rps "$GH_DIR/gethousehold.bin" $GET >/dev/null
  DURATION=5 h2load_rps "$GH_DIR/health-liveness.bin" $EMPTY >/dev/null
  DURATION=3 pgbench_tps "$GH_DIR/gethousehold-pipeline.sql" >/dev/null

  printf 'round\tempty_rps\tpgbench_tps\tgethousehold_rps\tpgbench_two_trips_tps\n' >"$GH_DIR/rounds.tsv"
  local r e p g p2
  for r in $(seq 1 "$ROUNDS"); do
    e=$(h2load_rps "$GH_DIR/health-liveness.bin" $EMPTY)
    p=$(pgbench_tps "$GH_DIR/gethousehold-pipeline.sql")
    g=$(h2load_rps "$GH_DIR/gethousehold.bin" $GET)
    p2=$(pgbench_tps "$GH_DIR/gethousehold-two-trips.sql")
    printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$e" "$p" "$g" "$p2" >>"$GH_DIR/rounds.tsv"
    log "round $r/$ROUNDS: empty $e/s, pgbench $p/s, GetHousehold $g/s, pgbench (2 round trips) $p2/s"
  done

  # Where the time goes: one more run of each with the CPU used by the server, PostgreSQL and the load generator.
  log "CPU split (one more run of each)"
  printf 'run\tper_s\tserver_cores\tpostgres_cores\tclient_cores\tserver_us\tpostgres_us\tclient_us\tother_cores\n' >"$GH_DIR/cpu.tsv"
  cpu_split "empty RPC" h2load_rps "$GH_DIR/health-liveness.bin" $EMPTY
  cpu_split "pgbench (pipelined)" pgbench_tps "$GH_DIR/gethousehold-pipeline.sql"
  local perf_pid=
  if [ "${PERF:-0}" = 1 ]; then
    (sleep 2; perf record -F 499 -g -p "$SERVER_PID" -o "$GH_DIR/perf.data" -- sleep $((DURATION - 4)) >/dev/null 2>&1) &
    perf_pid=$!
  fi
  cpu_split "GetHousehold" h2load_rps "$GH_DIR/gethousehold.bin" $GET
  [ -z "$perf_pid" ] || wait "$perf_pid"
  server_stop

  col() { awk -F'\t' -v c="$1" 'NR > 1 { print $c }' "$GH_DIR/rounds.tsv" | median; }
  local E P G P2 LIMIT
  E=$(col 2 | xargs printf '%.0f'); P=$(col 3 | xargs printf '%.0f'); G=$(col 4 | xargs printf '%.0f'); P2=$(col 5 | xargs printf '%.0f')
  LIMIT=$(calc "1 / (1 / $E + 1 / $P)" 0)
  {
    echo "## GetHousehold — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- households/$id ($members members) in the seeded demo county ($COUNTY_DB); $CONCURRENCY concurrent (h2load -c $H2_CONNECTIONS -m $((CONCURRENCY / H2_CONNECTIONS)) -t 1, pgbench -c $CONCURRENCY -j 1 -M prepared), ${DURATION} s per run, $ROUNDS interleaved rounds"
    echo
    echo "| run | median per s |"
    echo "| --- | ---: |"
    echo "| empty unary RPC (Health/Check \"liveness\") | $E |"
    echo "| pgbench, GetHousehold's 2 statements pipelined (1 round trip, as the server's batch) | $P |"
    echo "| combined limit 1/(1/empty + 1/pgbench) | $LIMIT |"
    echo "| **GetHousehold** | **$G** |"
    echo "| ratio GetHousehold ÷ limit (goal ≥ 0.75) | **$(calc "$G / $LIMIT" 2)** |"
    echo "| (median of the per-round ratios) | $(awk -F'\t' 'NR > 1 { printf "%.3f\n", $4 * (1 / $2 + 1 / $3) }' "$GH_DIR/rounds.tsv" | median | xargs printf '%.2f') |"
    echo "| (pgbench, 2 statements in 2 round trips) | $P2 |"
    echo "| (ratio with that pgbench in the limit) | $(calc "$G / (1 / (1 / $E + 1 / $P2))" 2) |"
    echo
    echo "CPU per request, from /proc during one more ${DURATION} s run of each (2 cores = 2.00 cores busy at most):"
    echo
    echo "| run | per s | server cores | PostgreSQL cores | load generator cores | server µs/req | PostgreSQL µs/req | load generator µs/req | other processes' cores |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' 'NR > 1 { printf "| %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$GH_DIR/cpu.tsv"
    echo
    echo "Every run: see bench/out/gethousehold/rounds.tsv"
  } | tee "$OUT/gethousehold.md"
}

# ---------------------------------------------------------------------------------------------- coverage ---
# explain_slow DB LOG CMD…: runs CMD with auto_explain logging the plan (ANALYZE, BUFFERS) of every statement over
# 20 ms in new sessions, and writes those plans to LOG: the real statements of the code, not copies of them.
# EXPLAIN_MIN (default 20ms) is the threshold: 0 logs every statement (the province roll-up's, all under a millisecond).
explain_slow() {
  local db=$1 logfile=$2; shift 2
  local from
  PSQL postgres -c "LOAD 'auto_explain'" -c "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'" -c "ALTER SYSTEM SET auto_explain.log_min_duration = '${EXPLAIN_MIN:-20ms}'" \
    -c "ALTER SYSTEM SET auto_explain.log_analyze = on" -c "ALTER SYSTEM SET auto_explain.log_buffers = on" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  from=$(wc -l <"$PGDATA/postgres.log")
  "$@" >/dev/null || true
  PSQL postgres -c "LOAD 'auto_explain'" -c "ALTER SYSTEM RESET session_preload_libraries" -c "ALTER SYSTEM RESET auto_explain.log_min_duration" \
    -c "ALTER SYSTEM RESET auto_explain.log_analyze" -c "ALTER SYSTEM RESET auto_explain.log_buffers" -c "SELECT pg_reload_conf()" >/dev/null
  tail -n +"$((from + 1))" "$PGDATA/postgres.log" | grep -v 'parameter .* changed\|received SIGHUP\|removed from configuration' >"$logfile" || true
}

bench_coverage() {
  local dir=$OUT/coverage
  rm -rf "$dir"; mkdir -p "$dir"
  ensure_county_db
  ensure_province_db
  PSQL $PROVINCE_DB -c "DELETE FROM pairing_proposals" -c "DELETE FROM idempotency_keys" -c "VACUUM ANALYZE"
  log "in-process: county database, then province database"
  HARNESS coverage --cs "$(cs $COUNTY_DB)" --label "county ($COUNTY_DB)" --rounds "$ROUNDS" --out "$dir/county.json" | tee "$dir/county.txt" >&2
  HARNESS coverage --cs "$(cs $PROVINCE_DB)" --label "province ($PROVINCE_DB)" --rounds "$ROUNDS" --out "$dir/province.json" | tee "$dir/province.txt" >&2
  log "through the gRPC API, province database"
  # Without Hangfire workers: a recurring job that fires at start (one missed while no server ran) would change
  # households under the count(*) of the rounds (its pages no longer all-visible after the VACUUM).
  SERVER_JOBS=false server_start $PROVINCE_DB "$dir/server.log"
  HARNESS coverage-grpc --cs "$(cs $PROVINCE_DB)" --server "http://127.0.0.1:$GRPC_PORT" --label "province ($PROVINCE_DB)" \
    --rounds "$ROUNDS" --out "$dir/grpc-province.json" | tee "$dir/grpc.txt" >&2
  server_stop
  log "plans of the statements over 20 ms (auto_explain), one more in-process pass on the province"
  explain_slow $PROVINCE_DB "$dir/explain-province.log" HARNESS coverage --cs "$(cs $PROVINCE_DB)" --label explain --rounds 0
  log "plans of every statement of the province roll-up (auto_explain, no threshold; the third of three calls)"
  EXPLAIN_MIN=0 explain_slow $PROVINCE_DB "$dir/explain-rollup.log" HARNESS province-rollup --cs "$(cs $PROVINCE_DB)" --calls 3
  PSQL $PROVINCE_DB -c "DELETE FROM pairing_proposals" -c "DELETE FROM idempotency_keys"
  {
    echo "## Coverage and planner — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- $ROUNDS interleaved rounds after one warm-up round; ratio = median ÷ median of SELECT count(*) FROM households on the same database"
    grep -hv '^\[' "$dir/county.txt" "$dir/province.txt" "$dir/grpc.txt"
    echo "Statements over 20 ms in one in-process pass on the province (auto_explain; full plans in bench/out/coverage/explain-province.log):"
    echo
    echo '```'
    awk '/duration: [0-9.]+ ms +plan:/ { match($0, /duration: [0-9.]+ ms/); d = substr($0, RSTART + 10, RLENGTH - 13); getline q
           sub(/^[ \t]*Query Text: */, "", q); gsub(/[ \t]+/, " ", q); key = substr(q, 1, 140)
           if (!(key in n)) order[++k] = key; n[key]++; sum[key] += d }
         END { for (i = 1; i <= k; i++) printf "%3d× %8.1f ms avg  %s\n", n[order[i]], sum[order[i]] / n[order[i]], order[i] }' "$dir/explain-province.log"
    grep -ho '\(Parallel \)\?Seq Scan on households\|Index Only Scan using [a-z_]* on households\|Index Scan using [a-z_]* on households\|Bitmap Heap Scan on households' "$dir/explain-province.log" | sort | uniq -c | sed 's/^/scans: /'
    echo '```'
    echo
    echo "The province roll-up's statements (ProvinceStore.RollupAsync; auto_explain with no threshold, the last of three calls; full plans in bench/out/coverage/explain-rollup.log):"
    echo
    echo '```'
    # The last call's five statements: the last five plans of the harness (not of psql's resetting the settings).
    awk '/duration: [0-9.]+ ms +plan:/ { b++ } b { block[b] = block[b] $0 "\n" }
         END { for (i = 1; i <= b; i++) if (block[i] !~ /pg_reload_conf|ALTER SYSTEM|LOAD /) keep[++k] = i
               for (j = k - 4; j <= k; j++) if (j > 0) printf "%s", block[keep[j]] }' "$dir/explain-rollup.log" \
      | grep -v 'configuration file' | sed 's/^[0-9-]* [0-9:.]* UTC \[[0-9]*\] //'
    echo '```'
  } | tee "$OUT/coverage.md"
}

# ----------------------------------------------------------------------------------------------- subsidy ---
bench_subsidy() {
  local dir=$OUT/subsidy
  rm -rf "$dir"; mkdir -p "$dir"
  ensure_county_db
  log "interest-subsidy run over ${LOANS:-20000} loans ÷ INSERT … SELECT (in-process, each side rolled back)"
  HARNESS subsidy --cs "$(cs $COUNTY_DB)" --loans "${LOANS:-20000}" --rounds "$ROUNDS" --out "$dir/subsidy.json" | tee "$dir/subsidy.txt" >&2
  {
    echo "## Interest-subsidy run — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- $ROUNDS interleaved rounds after one warm-up round; ratio = median ÷ median of one INSERT … SELECT writing the same rows"
    grep -v '^\[' "$dir/subsidy.txt"
  } | tee "$OUT/subsidy.md"
}

# -------------------------------------------------------------------------------------------- compliance ---
bench_compliance() {
  local dir=$OUT/compliance
  rm -rf "$dir"; mkdir -p "$dir"
  ensure_county_db
  log "contact-duty compliance of county $COUNTY over a year of ${CONTACTS:-400000} contacts ÷ count(*); the alert job (in-process)"
  # With the server's garbage collector (Boyi.Server.csproj: Server GC, no dynamic adaptation), since the harness runs
  # the server's computation in process: with the harness's own workstation GC, a county's ≈ 40 MB of short-lived inputs
  # and results cost several gen0, gen1 and gen2 collections a round, which the server does not pay (docs/benchmarks.md §6).
  DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=0 HARNESS compliance --cs "$(cs $COUNTY_DB)" --contacts "${CONTACTS:-400000}" --rounds "$ROUNDS" \
    --out "$dir/compliance.json" | tee "$dir/compliance.txt" >&2
  {
    echo "## Contact-duty compliance — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- $ROUNDS interleaved rounds after three warm-up rounds, the harness with the server's GC (Server GC); ratio = median ÷ median of SELECT count(*) of the year's records"
    grep -v '^\[' "$dir/compliance.txt"
  } | tee "$OUT/compliance.md"
}

# ---------------------------------------------------------------------------------------------- hangfire ---
# ----------------------------------------------------------------------------------------- commendations ---
bench_commendations() {
  local dir=$OUT/commendations
  mkdir -p "$dir"
  ensure_county_db
  log "commendation round of county $COUNTY over ${ENTERPRISES:-2000} more enterprises with a year of data ÷ the one metrics query (in-process)"
  HARNESS commendations --cs "$(cs $COUNTY_DB)" --enterprises "${ENTERPRISES:-2000}" --rounds "$ROUNDS" --out "$dir/commendations.json" | tee "$dir/commendations.txt" >&2
  {
    echo "## Commendation round — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo
    grep -v '^\[' "$dir/commendations.txt"
  } | tee "$OUT/commendations.md"
}

# ------------------------------------------------------------------------------------------------- exits ---
bench_exits() {
  local dir=$OUT/exits
  rm -rf "$dir"; mkdir -p "$dir"
  ensure_county_db
  log "exit progress and village exit status of county $COUNTY ÷ count(*) of its household members (in-process)"
  HARNESS exits --cs "$(cs $COUNTY_DB)" --rounds "$ROUNDS" --out "$dir/exits.json" | tee "$dir/exits.txt" >&2
  {
    echo "## Exit progress and village exit status — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- $ROUNDS interleaved rounds after three warm-up rounds, on vacuumed tables; ratio = median ÷ median of SELECT count(*) of the county's household members"
    grep -v '^\[' "$dir/exits.txt"
  } | tee "$OUT/exits.md"
}

bench_hangfire() {
  ensure_county_db
  log "Hangfire: ${JOBS:-2000} jobs per kind and round on $COUNTY_DB"
  {
    echo "## Hangfire throughput — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- $ROUNDS rounds after a warm-up round; each round enqueues the jobs of one kind, then times a job server from its start"
    echo "  until all have run (the kinds alternate which goes first); figures are medians"
    HARNESS hangfire --cs "$(cs $COUNTY_DB)" --jobs "${JOBS:-2000}" --rounds "$ROUNDS"
  } | tee "$OUT/hangfire.md"
}

# ------------------------------------------------------------------------------------------------ replica ---
# A hot standby of the benchmark cluster (pg_basebackup -R, kept in $BENCH_HOME/replica), on $REPLICA_PORT.
replica_start() {
  if [ ! -f "$REPLICA_DATA/PG_VERSION" ]; then
    log "making the read replica: pg_basebackup -R from the benchmark cluster into $REPLICA_DATA"
    mkdir -p "$REPLICA_DATA"; chmod 700 "$REPLICA_DATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$REPLICA_DATA"
    as_pg "$PGBIN/pg_basebackup" -D "$REPLICA_DATA" -R -X stream -c fast -h 127.0.0.1 -p "$PGPORT" -U boyi
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$REPLICA_DATA" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$REPLICA_DATA" -l "$REPLICA_DATA/postgres.log" -w -t 300 \
      -o "-p $REPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGSOCK -c max_connections=200 -c shared_buffers=256MB -c max_prepared_transactions=64" start >/dev/null
    REPLICA_STARTED=1
  fi
  log "read replica on 127.0.0.1:$REPLICA_PORT (hot standby of :$PGPORT)"
}

replica_stop() {
  [ -n "$REPLICA_STARTED" ] && as_pg "$PGBIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null 2>&1 || true
  REPLICA_STARTED=""
}

# pg_cpu_ticks DATADIR: CPU ticks (user + system) of a cluster's postmaster, its live children (backends, WAL sender,
# background workers) and the children it has reaped (a closed connection's backend).
pg_cpu_ticks() {
  local pm
  pm=$(head -1 "$1/postmaster.pid")
  # (cat fails on a process that ends while it reads; what it read is enough.)
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" '$1 == pm { t += $14 + $15 + $16 + $17 } $4 == pm { t += $14 + $15 } END { print t + 0 }'
}

# primary_counters: transactions, rows returned and rows fetched by the county database on the primary, so far.
primary_counters() {
  PSQL postgres -tAF' ' -c "SELECT xact_commit + xact_rollback, tup_returned, tup_fetched FROM pg_stat_database WHERE datname = '$COUNTY_DB'"
}

bench_replica() {
  local dir=$OUT/replica
  rm -rf "$dir"; mkdir -p "$dir"
  ensure_county_db
  replica_start
  local hz households
  hz=$(getconf CLK_TCK)
  households=$(PSQL $COUNTY_DB -tAc "SELECT count(*) FROM households WHERE delete_time IS NULL")
  printf 'round\tmode\tcalls\tfailed\tseconds\tcalls_per_s\tprimary_cpu_s\treplica_cpu_s\tprimary_xacts\tprimary_tup_returned\tprimary_tup_fetched\treplica_reads\tprimary_reads\tfallbacks\n' >"$dir/rounds.tsv"
  local r mode cpu0 rcpu0 c0 c1 out metrics
  for r in $(seq 1 "$ROUNDS"); do
    for mode in without with; do
      if [ "$mode" = with ]; then REPLICA_CS="Host=127.0.0.1;Port=$REPLICA_PORT;Username=boyi;Database=$COUNTY_DB"; else REPLICA_CS=""; fi
      server_start $COUNTY_DB "$dir/server-$mode-$r.log"
      # Warm-up (JIT, plans, caches on both clusters), then wait for the replica to be in use.
      HARNESS replica-load --server "http://127.0.0.1:$GRPC_PORT" --concurrency "$CONCURRENCY" --seconds 3 >/dev/null
      if [ "$mode" = with ]; then
        for _ in $(seq 1 120); do curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | grep -q '^boyi_replica_in_use[^ ]* 1' && break; sleep 0.5; done
      fi
      sleep 1
      cpu0=$(pg_cpu_ticks "$PGDATA"); rcpu0=$(pg_cpu_ticks "$REPLICA_DATA"); c0=$(primary_counters)
      out=$(HARNESS replica-load --server "http://127.0.0.1:$GRPC_PORT" --concurrency "$CONCURRENCY" --seconds "$DURATION")
      local cpu1 rcpu1
      cpu1=$(pg_cpu_ticks "$PGDATA"); rcpu1=$(pg_cpu_ticks "$REPLICA_DATA")
      sleep 1.5   # statistics reach pg_stat_database within a second of a transaction's end
      c1=$(primary_counters)
      metrics=$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics")
      server_stop
      echo "$out" >>"$dir/load.log"
      local calls failed secs rate
      calls=$(sed -n 's/.*calls=\([0-9]*\).*/\1/p' <<<"$out"); failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$out")
      secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$out"); rate=$(sed -n 's/.*per_second=\([0-9.]*\).*/\1/p' <<<"$out")
      read -r x0 tr0 tf0 <<<"$c0"; read -r x1 tr1 tf1 <<<"$c1"
      local rr pr fb
      rr=$(awk '/^boyi_replica_reads_total\{.*target="replica"/ { print $NF }' <<<"$metrics" | head -1)
      pr=$(awk '/^boyi_replica_reads_total\{.*target="primary"/ { print $NF }' <<<"$metrics" | head -1)
      fb=$(awk '/^boyi_replica_fallbacks_total/ { print $NF }' <<<"$metrics" | head -1)
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$mode" "$calls" "$failed" "$secs" "$rate" \
        "$(calc "($cpu1 - $cpu0) / $hz" 2)" "$(calc "($rcpu1 - $rcpu0) / $hz" 2)" $((x1 - x0)) $((tr1 - tr0)) $((tf1 - tf0)) "${rr:-}" "${pr:-}" "${fb:-}" >>"$dir/rounds.tsv"
      log "round $r/$ROUNDS $mode the replica: $rate calls/s, primary CPU $(calc "($cpu1 - $cpu0) / $hz" 2) s, $((x1 - x0)) transactions on the primary"
    done
  done
  REPLICA_CS=""

  # Per mode: medians of calls/s, of the primary's CPU seconds per 1,000 calls, and of its transactions and rows per 1,000 calls.
  per_k() { awk -F'\t' -v m="$1" -v c="$2" 'NR > 1 && $2 == m && $3 > 0 { printf "%.4f\n", $c * 1000 / $3 }' "$dir/rounds.tsv" | median; }
  col() { awk -F'\t' -v m="$1" -v c="$2" 'NR > 1 && $2 == m { print $c }' "$dir/rounds.tsv" | median; }
  ratio() { calc "$(per_k with "$1") / $(per_k without "$1")" 2; }
  {
    echo "## Read replica — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- data: demo county $COUNTY ($households households) on the benchmark cluster, and its hot standby (pg_basebackup -R, same settings) on the same machine"
    echo "- load: bench/Boyi.Bench replica-load, $CONCURRENCY concurrent callers for $DURATION s through the gRPC API, the routed RPCs in turn (ListHouseholds county page of 100 and a town's poor households, GetCoverage county and town, ListUncoveredHouseholds, ExportHouseholds of a village); $ROUNDS interleaved rounds (without, with), a fresh server each run after a 3 s warm-up"
    echo "- primary's load: CPU seconds of the primary's postgres processes (/proc: postmaster, its children and reaped children) during the run, and pg_stat_database (transactions, rows returned and fetched) of the county database on the primary; per 1,000 calls answered"
    echo
    echo "| | without replica | with replica | with ÷ without |"
    echo "| --- | ---: | ---: | ---: |"
    echo "| calls/s (median) | $(col without 6) | $(col with 6) | $(calc "$(col with 6) / $(col without 6)" 2) |"
    echo "| primary CPU s per 1,000 calls | $(per_k without 7) | $(per_k with 7) | $(ratio 7) |"
    echo "| replica CPU s per 1,000 calls | — | $(per_k with 8) | |"
    echo "| primary transactions per 1,000 calls | $(per_k without 9) | $(per_k with 9) | $(ratio 9) |"
    echo "| primary rows returned per 1,000 calls | $(per_k without 10) | $(per_k with 10) | $(ratio 10) |"
    echo "| primary rows fetched per 1,000 calls | $(per_k without 11) | $(per_k with 11) | $(ratio 11) |"
    echo
    echo "Routed reads in the runs with the replica (the server's boyi_replica_reads_total, warm-up included): replica $(awk -F'\t' 'NR > 1 && $2 == "with" { s += $12 } END { print s + 0 }' "$dir/rounds.tsv"), primary $(awk -F'\t' 'NR > 1 && $2 == "with" { s += $13 } END { print s + 0 }' "$dir/rounds.tsv"), fallbacks $(awk -F'\t' 'NR > 1 && $2 == "with" { s += $14 } END { print s + 0 }' "$dir/rounds.tsv"). Failed calls: $(awk -F'\t' 'NR > 1 { s += $4 } END { print s + 0 }' "$dir/rounds.tsv")."
    echo
    echo "Every run: bench/out/replica/rounds.tsv"
  } | tee "$OUT/replica.md"
}

# -------------------------------------------------------------------------------------------- twoservers ---
# mixed_round CONFIG ROUND SERVERS…: one timed run of the mixed load (Boyi.Bench mixed) through SERVERS (gRPC
# addresses), with the cores each side used from 1 s into its timed window until 1 s before its end; one row of
# rounds.tsv: round, config, requests/s, requests, errors, seconds, writes, servers', PostgreSQL's, the harness's
# and other processes' cores.
mixed_round() {
  local config=$1 round=$2; shift 2
  local out="$TS_DIR/run-$config-$round" window=$((DURATION - 2)) pid s0 s1 result
  HARNESS mixed --cs "$(cs $COUNTY_DB)" --servers "$(IFS=,; echo "$*")" --connections "$H2_CONNECTIONS" --streams "$CONCURRENCY" \
    --seconds "$DURATION" --writes "$([ "${WRITES:-1}" = 0 ] && echo false || echo true)" >"$out.txt" 2>"$out.err" &
  pid=$!
  until grep -qs '^\[mixed\] timed' "$out.txt"; do
    kill -0 "$pid" 2>/dev/null || { cat "$out.txt" "$out.err" >&2; die "the mixed load stopped before its timed window"; }
    sleep 0.1
  done
  sleep 1; s0=$(cpu_snapshot); sleep "$window"; s1=$(cpu_snapshot)
  wait "$pid" || { cat "$out.err" >&2; die "the mixed load failed"; }
  result=$(awk -F'\t' '$1 == "result" { print $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' "$out.txt")
  [ -n "$result" ] || die "no result from the mixed load (see $out.txt)"
  printf '%s\t%s\t%s\t%s\n' "$round" "$config" "$result" "$(cpu_cores "$s0" "$s1" "$window" "${SERVER_PIDS[*]}" "$pid" | tr ' ' '\t')" >>"$TS_DIR/rounds.tsv"
  log "round $round/$ROUNDS, $config: $(cut -f1 <<<"$result") requests/s, $(cut -f3 <<<"$result") errors"
}

bench_twoservers() {
  TS_DIR=$OUT/twoservers
  rm -rf "$TS_DIR"; mkdir -p "$TS_DIR"
  ensure_county_db
  local a="http://127.0.0.1:$GRPC_PORT" b="http://127.0.0.1:$GRPC_PORT_B"
  # As docs/operations.md deploys several servers: one issuer (the first server's address) and one key folder (token
  # and personal-data keys) for both, the data-protection keys in the database, the first migrating and started first;
  # both run Hangfire workers (the default). The token the benchmark uses comes
  # from the second server's token endpoint and is sent to both.
  local issuer="http://127.0.0.1:$HTTP_PORT/"
  Boyi__Auth__Issuer=$issuer PIN_CPU=${PIN:+0} server_start $COUNTY_DB "$TS_DIR/server-a.log"
  Boyi__Auth__Issuer=$issuer PIN_CPU=${PIN:+1} MIGRATE=false GRPC_PORT=$GRPC_PORT_B HTTP_PORT=$HTTP_PORT_B TOKEN_SCOPES=contacts.write \
    server_start $COUNTY_DB "$TS_DIR/server-b.log"
  log "two servers on $COUNTY_DB (${PIN:+pinned to CPU 0 and 1, }both with Hangfire workers); warming up (JIT tiers, pools), one run each way"
  printf 'round\tconfig\trequests_per_s\trequests\terrors\tseconds\twrites\tserver_cores\tpostgres_cores\tclient_cores\tother_cores\n' >"$TS_DIR/rounds.tsv"
  mixed_round two 0 "$a" "$b"
  mixed_round one 0 "$a"
  local r
  for r in $(seq 1 "$ROUNDS"); do
    mixed_round one "$r" "$a"
    mixed_round two "$r" "$a" "$b"
  done
  server_stop

  # Medians of the timed rounds (round 0 is the warm-up).
  col() { awk -F'\t' -v k="$1" -v c="$2" 'NR > 1 && $1 > 0 && $2 == k { print $c }' "$TS_DIR/rounds.tsv" | median; }
  us() { awk -F'\t' -v k="$1" -v c="$2" 'NR > 1 && $1 > 0 && $2 == k { printf "%.1f\n", $c * 1e6 / $3 }' "$TS_DIR/rounds.tsv" | median | xargs printf '%.0f'; }
  local one two errors
  one=$(col one 3); two=$(col two 3)
  errors=$(awk -F'\t' 'NR > 1 && $1 > 0 { e += $5 } END { print e + 0 }' "$TS_DIR/rounds.tsv")
  {
    echo "## Two servers ÷ one, mixed read/write load — $(date -u +%Y-%m-%d)"
    echo
    machine
    echo "- demo county $COUNTY ($COUNTY_DB), $CONCURRENCY streams over $H2_CONNECTIONS HTTP/2 connections (Boyi.Bench mixed: $([ "${WRITES:-1}" = 0 ] && echo "reads only, GetHousehold in place of the writes: 15 GetHousehold, 4 ListHouseholds pages, 1 GetCoverage in every 20 requests" || echo "11 GetHousehold, 4 ListHouseholds pages, 1 GetCoverage, 1 CreateContactRecord, 1 UpdateHousehold, 1 EndPairing + CreatePairing in every 20 requests")), ${DURATION} s timed after a 3 s warm-up per run, $ROUNDS interleaved rounds (one, two, …) after a warm-up run of each; two servers: the connections alternately to each (client-side round robin)${PIN:+; servers pinned with taskset, the first to CPU 0, the second to CPU 1}"
    echo
    echo "| through | median requests/s | writes/s | errors | servers' cores | PostgreSQL cores | harness cores | other cores | server µs/req | PostgreSQL µs/req |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for k in one two; do
      echo "| $k server$([ $k = two ] && echo s) | $(col $k 3 | xargs printf '%.0f') | $(awk -F'\t' -v k=$k 'NR > 1 && $1 > 0 && $2 == k { printf "%.1f\n", $7 / $6 }' "$TS_DIR/rounds.tsv" | median | xargs printf '%.0f') | $(awk -F'\t' -v k=$k 'NR > 1 && $1 > 0 && $2 == k { e += $5 } END { print e + 0 }' "$TS_DIR/rounds.tsv") | $(col $k 8 | xargs printf '%.2f') | $(col $k 9 | xargs printf '%.2f') | $(col $k 10 | xargs printf '%.2f') | $(col $k 11 | xargs printf '%.2f') | $(us $k 8) | $(us $k 9) |"
    done
    echo
    echo "**Ratio two ÷ one: $(calc "$two / $one" 2)** (median of the per-round ratios $(awk -F'\t' 'NR > 1 && $1 > 0 { v[$1, $2] = $3; n[$1] = 1 } END { for (r in n) if (v[r, "one"] > 0) printf "%.3f\n", v[r, "two"] / v[r, "one"] }' "$TS_DIR/rounds.tsv" | median | xargs printf '%.2f'))."
    [ "$errors" = 0 ] || echo "**Not valid: $errors calls failed** (bench/out/twoservers/run-*.err)."
    echo
    echo "Every run: see bench/out/twoservers/rounds.tsv"
  } | tee "$OUT/twoservers.md"
  [ "$errors" = 0 ] || die "$errors calls failed: the run is not valid"
}

# ------------------------------------------------------------------------------------------------- main ---
main() {
  local what=${1:-}
  case $what in
    import|gethousehold|coverage|subsidy|compliance|commendations|exits|hangfire|replica|twoservers|all|seed) ;;
    clean)
      ensure_tools
      as_pg "$PGBIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null 2>&1 || true
      as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$BENCH_HOME"; log "removed $BENCH_HOME"; exit 0 ;;
    *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
  esac
  mkdir -p "$OUT"
  ensure_tools
  [ "${BUILD:-1}" = 0 ] || build
  pg_start
  local started
  started=$(now_ns)
  case $what in
    import) bench_import ;;
    gethousehold) bench_gethousehold ;;
    coverage) bench_coverage ;;
    subsidy) bench_subsidy ;;
    compliance) bench_compliance ;;
    commendations) bench_commendations ;;
    exits) bench_exits ;;
    hangfire) bench_hangfire ;;
    replica) bench_replica ;;
    twoservers) bench_twoservers ;;
    seed) ensure_county_db; ensure_province_db ;;
    all) bench_import; bench_gethousehold; bench_coverage; bench_subsidy; bench_compliance; bench_commendations; bench_exits; bench_hangfire; bench_replica; bench_twoservers ;;
  esac
  log "done in $(( $(ms_since "$started") / 1000 )) s; results in bench/out/"
}

main "$@"
