#!/bin/bash
# Until Boyi has a production database, the schema is one migration, "Initial", regenerated after each model
# change: `src/Boyi.Infrastructure/Data/regen-initial-migration.sh` from the repository root. It re-adds the SQL
# that the model cannot express (the households -> villages foreign key without an index) and the audit log
# (Boyi.Infrastructure.Audit.AuditSchema: append-only tables, triggers and functions, owned by the migrating role),
# the subsidy ledger's guard, the triggers that keep contact_tallies (Compliance.ContactTalliesSchema), and the
# write-once tables of statements and commendation rounds (Statements.StatementSchema, Commendations.CommendationSchema).
set -e
cd "$(dirname "$0")/../../.."
rm -rf src/Boyi.Infrastructure/Data/Migrations
dotnet ef migrations add Initial --project src/Boyi.Infrastructure --startup-project src/Boyi.Infrastructure --output-dir Data/Migrations 2>&1 | tail -1
f=$(ls src/Boyi.Infrastructure/Data/Migrations/*_Initial.cs)
python3 - "$f" <<'PY'
import sys
p=sys.argv[1]
s=open(p).read()
up_end=s.index('        protected override void Down(MigrationBuilder migrationBuilder)')
k=s.rindex('        }', 0, up_end)
s=s[:k]+'''
            // Declared here rather than in the model so EF adds no index for it: a household's id already starts
            // with its village code (see BoyiDbContext), and villages are never deleted.
            migrationBuilder.Sql(
                "ALTER TABLE households ADD CONSTRAINT fk_households_villages_village_id " +
                "FOREIGN KEY (village_id) REFERENCES villages (id)");

            // The audit log is plain SQL (triggers, SECURITY DEFINER sealing), not part of the EF model; the app
            // role's grants on it are given at start (DatabaseRoles), since the migration does not know that role.
            migrationBuilder.Sql(Boyi.Infrastructure.Audit.AuditSchema.CreateSql);

            // Subsidy ledger rows are never deleted and, once paid, never change (Subsidies.SubsidyLedgerSchema).
            migrationBuilder.Sql(Boyi.Infrastructure.Subsidies.SubsidyLedgerSchema.CreateSql);

            // Statements, their lines and supersessions are written once and never change (Statements.StatementSchema).
            migrationBuilder.Sql(Boyi.Infrastructure.Statements.StatementSchema.CreateSql);

            // contact_tallies is kept by statement-level triggers on the records and their occasions (Compliance.ContactTalliesSchema).
            migrationBuilder.Sql(Boyi.Infrastructure.Compliance.ContactTalliesSchema.CreateSql);

            // Commendation rounds are plain SQL; a published round's rows never change (Commendations.CommendationSchema).
            migrationBuilder.Sql(Boyi.Infrastructure.Commendations.CommendationSchema.CreateSql);
'''+s[k:]
s=s.replace('''        protected override void Down(MigrationBuilder migrationBuilder)
        {''','''        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Boyi.Infrastructure.Statements.StatementSchema.DropSql);
            migrationBuilder.Sql(Boyi.Infrastructure.Compliance.ContactTalliesSchema.DropSql);
            migrationBuilder.Sql(Boyi.Infrastructure.Commendations.CommendationSchema.DropSql);
            migrationBuilder.Sql(Boyi.Infrastructure.Subsidies.SubsidyLedgerSchema.DropSql);
            migrationBuilder.Sql(Boyi.Infrastructure.Audit.AuditSchema.DropSql);
            migrationBuilder.Sql("ALTER TABLE households DROP CONSTRAINT fk_households_villages_village_id");
''',1)
open(p,'w').write(s)
PY
grep -c fk_households_villages_village_id $f
grep -c AuditSchema $f
grep -c SubsidyLedgerSchema $f
grep -c StatementSchema $f
grep -c ContactTalliesSchema $f
grep -c CommendationSchema $f
