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

# Through the API, as a machine client (an OpenIddict application) registered as operators do: an import of two new
# households and an export with the numbers in full, which leave audit events, change events, idempotency keys and
# an operation.
(cd "$repo" && dotnet build src/Boyi.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null)
boyi() { dotnet "$repo/src/Boyi.Cli/bin/Release/net10.0/boyi.dll" "$@"; }
secret=$(boyi clients add county-statistics --name "县统计局" --connection "$cs" \
  --scopes registry.read,households.read,households.write,personal_data,operations.read | sed -n 's/^.*secret: *//p')
village=$(psql -d $db -Atc "SELECT id FROM villages ORDER BY id LIMIT 1")
python3 - "$village" > "$work/import.csv" <<'PY'
import sys
def idcard(seq, birth):
    body = "450923" + birth + f"{seq:03d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * x for c, x in zip(body, w)) % 11]
print("户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,联系电话,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业")
for h, (head, spouse) in enumerate([("黄文升", "梁秀英"), ("庞志强", "钟丽华")], start=1):
    print(f"{h},{sys.argv[1]},{head},户主,{idcard(900 + h, '19700312')},健康,普通劳动力,1397751{h:04d},因病、缺资金,3560.50,是,是")
    print(f"{h},{sys.argv[1]},{spouse},配偶,{idcard(910 + h, '19720508')},长期慢性病,弱劳动力,,,,,")
PY
api="--server http://127.0.0.1:$grpc --authority http://127.0.0.1:$http --client-id county-statistics --client-secret $secret"
boyi import "$work/import.csv" $api >/dev/null
boyi export "$work/export.csv" --parent "villages/$village" --full-reason "核对户籍" $api >/dev/null
# Until the server has sealed every audit event into the chain (it does every few seconds).
for _ in $(seq 60); do
  [ "$(psql -d $db -Atc "SELECT count(*) FROM audit_events WHERE chain_seq IS NULL")" = 0 ] && break
  sleep 1
done
kill $server; wait $server 2>/dev/null || true; server=

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
