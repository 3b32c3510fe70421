#!/bin/bash
# Regenerates this folder's data fixture (boyi-data.sql.gz) and test keys (keys/) from a checkout of release 2026.12
# (commit d7b58d4, schema migration 20261206175607_Initial): a fresh database is migrated and seeded by that release's
# own server (the demo county at a small scale, plus its demo accounts and the machine client registered below), and
# its rows are dumped as plain SQL. See README.md beside this script.
#
#   bash tests/Boyi.Server.Tests/Upgrade/release-2026.12/make-fixture.sh [CHECKOUT]
#
# CHECKOUT: the release's checkout (default: the repository this script is in). The database: libpq's PGHOST,
# PGPORT, PGUSER, PGPASSWORD (a superuser; default the development PostgreSQL on 127.0.0.1:55442 as boyi/devpass).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "${1:-$here/../../../..}" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-55442} PGUSER=${PGUSER:-boyi} PGPASSWORD=${PGPASSWORD:-devpass}
db=boyi_release_2026_12
scale=0.02
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=

# The personal data is encrypted with the committed test keys (made once, kept: the upgrade test reads it back).
mkdir -p "$here/keys"
for f in personal-data-hash.key personal-data-encryption-1.key; do
  [ -f "$here/keys/$f" ] || head -c 32 /dev/urandom | base64 > "$here/keys/$f"
done

psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
cs="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$db"

(cd "$repo" && dotnet build src/Boyi.Server -c Release -nologo -clp:ErrorsOnly >/dev/null)
dll="$repo/src/Boyi.Server/bin/Release/net10.0/Boyi.Server.dll"
http=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
grpc=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
dotnet "$dll" "--ConnectionStrings:Boyi=$cs" --Boyi:Demo=true --Boyi:DemoScale=$scale --Boyi:Jobs:Enabled=false \
  "--Boyi:HttpPort=$http" "--Boyi:GrpcPort=$grpc" "--Boyi:PersonalData:KeyDirectory=$here/keys" "--Boyi:Auth:KeyDirectory=$work/auth" \
  > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$http/" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 1
done
kill $server; wait $server 2>/dev/null || true; server=

# A machine client (an OpenIddict application) as operators register them.
(cd "$repo" && dotnet build src/Boyi.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null)
dotnet "$repo/src/Boyi.Cli/bin/Release/net10.0/boyi.dll" clients add county-statistics --scopes registry.read,households.read \
  --name "县统计局" --connection "$cs" >/dev/null

# Rows only (the schema is the release's migration), as plain SQL; --disable-triggers so loading it neither runs the
# audit and tally triggers nor trips over the order of foreign keys. The migrations history comes from migrating.
pg_dump -d $db --data-only --disable-triggers --no-owner --no-privileges --schema=public \
  --exclude-table-data=__ef_migrations_history | gzip -9n > "$here/boyi-data.sql.gz"
psql -q -d postgres -c "DROP DATABASE $db WITH (FORCE)"
ls -l "$here/boyi-data.sql.gz"

# The SQL of the release's migrations, which must never change (UpgradeTests.TheReleasedMigrations_NeverChange).
(cd "$repo" && dotnet tool restore >/dev/null && dotnet ef migrations script --no-build --configuration Release \
  --project src/Boyi.Infrastructure --startup-project src/Boyi.Infrastructure 0 20261206175607_Initial --output "$work/schema.sql" >/dev/null)
gzip -9nc "$work/schema.sql" > "$here/schema.sql.gz"
