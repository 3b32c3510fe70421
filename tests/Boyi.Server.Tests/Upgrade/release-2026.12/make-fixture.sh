#!/bin/bash
# Regenerates this folder's data fixture (boyi-data.sql.gz) from a checkout of release 2026.12 (commit d7b58d4, schema
# migration 20261206175607_Initial): fill/FillRelease2026_12.cs is copied into the release's test project and run there
# (dotnet test), against the release's own server over a fresh database migrated by it: the demo county at a small
# scale with its demo accounts, then, through the API, what operators, staff, cadres, enterprises and other systems do
# (see README.md beside this script); its rows are dumped as plain SQL.
#
#   bash tests/Boyi.Server.Tests/Upgrade/release-2026.12/make-fixture.sh CHECKOUT
#
# CHECKOUT: the release's checkout (git worktree add /tmp/boyi-2026.12 d7b58d4); it is left as it was. The database:
# libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD (a superuser; default the development PostgreSQL on 127.0.0.1:55442 as
# boyi/devpass), on which the release's test fixtures create (and drop) their own databases.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "${1:?usage: make-fixture.sh CHECKOUT (a checkout of release 2026.12)}" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-55442} PGUSER=${PGUSER:-boyi} PGPASSWORD=${PGPASSWORD:-devpass}
fill="$repo/tests/Boyi.Server.Tests/FillRelease2026_12.cs"
work=$(mktemp -d)
trap 'rm -f "$fill"; rm -rf "$work"' EXIT

# The personal data is encrypted with the committed test keys (made once, kept: the upgrade test reads it back).
mkdir -p "$here/keys"
for f in personal-data-hash.key personal-data-encryption-1.key; do
  [ -f "$here/keys/$f" ] || head -c 32 /dev/urandom | base64 > "$here/keys/$f"
done

# The fill runs as one of the release's own functional tests, with its helpers (Api, People, TestAuth, …); it ends by
# waiting for the audit sealer and dumping the rows (pg_dump --data-only --disable-triggers, schema public without the
# migrations history) into $BOYI_FILL_OUTPUT before its fixture drops the database.
cp "$here/fill/FillRelease2026_12.cs" "$fill"
(cd "$repo" && dotnet build tests/Boyi.Server.Tests -c Release -nologo -clp:ErrorsOnly)
BOYI_TEST_PG="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=postgres" \
BOYI_FILL_OUTPUT="$work" BOYI_FILL_KEYS="$here/keys" \
  dotnet test "$repo/tests/Boyi.Server.Tests" -c Release --no-build --filter "FullyQualifiedName~FillRelease2026_12"
gzip -9n < "$work/boyi-data.sql" > "$here/boyi-data.sql.gz"
ls -l "$here/boyi-data.sql.gz"

# The SQL of the release's migrations, which must never change (UpgradeTests.TheReleasedMigrations_NeverChange).
(cd "$repo" && dotnet tool restore >/dev/null && dotnet ef migrations script --no-build --configuration Release \
  --project src/Boyi.Infrastructure --startup-project src/Boyi.Infrastructure 0 20261206175607_Initial --output "$work/schema.sql" >/dev/null)
gzip -9nc "$work/schema.sql" > "$here/schema.sql.gz"
