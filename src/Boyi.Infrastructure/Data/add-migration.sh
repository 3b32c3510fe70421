#!/bin/bash
# Adds an EF Core migration for a change of the model: `src/Boyi.Infrastructure/Data/add-migration.sh <Name>` from
# anywhere in the repository. Released migrations never change (20261206175607_Initial is release 2026.12): every
# change is a new migration on top, so a county's database upgrades by applying the ones it lacks (docs/operations.md,
# Upgrades). SQL the model cannot say (triggers, functions, grants) goes into the new migration's Up as literal
# migrationBuilder.Sql("…") text, with its Down; never edit the SQL constants an older migration applies.
set -euo pipefail
name=${1:?usage: add-migration.sh <Name> (PascalCase, says what changes, e.g. AddProvinces)}
cd "$(dirname "$0")/../../.."
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --project src/Boyi.Infrastructure --startup-project src/Boyi.Infrastructure --output-dir Data/Migrations
previous=$(ls src/Boyi.Infrastructure/Data/Migrations/*.cs | grep -v -e Designer -e ModelSnapshot | sort | tail -2 | head -1 | xargs basename | sed 's/\.cs$//')
echo "Added. Read its SQL: dotnet ef migrations script $previous $name --project src/Boyi.Infrastructure --startup-project src/Boyi.Infrastructure"
echo "Then run UpgradeTests (tests/Boyi.Server.Tests), and commit the migration on its own."
