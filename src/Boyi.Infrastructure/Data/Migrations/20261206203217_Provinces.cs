using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Boyi.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class Provinces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "province_id",
                table: "users",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "province_id",
                table: "counties",
                type: "integer",
                nullable: false,
                computedColumnSql: "id / 10000 * 10000",
                stored: true);

            migrationBuilder.CreateTable(
                name: "coverage_counters",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    households = table.Column<int>(type: "integer", nullable: false),
                    paired = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coverage_counters", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "provinces",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    display_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_provinces", x => x.id);
                    table.CheckConstraint("ck_provinces_code", "id BETWEEN 110000 AND 829999 AND id % 10000 = 0");
                });

            // Every provincial-level division, so that every county code (existing ones included: Guangxi's 45xxxx go to
            // 450000) has its province before the foreign key is added.
            migrationBuilder.Sql("""
                INSERT INTO provinces (id, display_name) VALUES
                  (110000, '北京市'),
                  (120000, '天津市'),
                  (130000, '河北省'),
                  (140000, '山西省'),
                  (150000, '内蒙古自治区'),
                  (210000, '辽宁省'),
                  (220000, '吉林省'),
                  (230000, '黑龙江省'),
                  (310000, '上海市'),
                  (320000, '江苏省'),
                  (330000, '浙江省'),
                  (340000, '安徽省'),
                  (350000, '福建省'),
                  (360000, '江西省'),
                  (370000, '山东省'),
                  (410000, '河南省'),
                  (420000, '湖北省'),
                  (430000, '湖南省'),
                  (440000, '广东省'),
                  (450000, '广西壮族自治区'),
                  (460000, '海南省'),
                  (500000, '重庆市'),
                  (510000, '四川省'),
                  (520000, '贵州省'),
                  (530000, '云南省'),
                  (540000, '西藏自治区'),
                  (610000, '陕西省'),
                  (620000, '甘肃省'),
                  (630000, '青海省'),
                  (640000, '宁夏回族自治区'),
                  (650000, '新疆维吾尔自治区'),
                  (710000, '台湾省'),
                  (810000, '香港特别行政区'),
                  (820000, '澳门特别行政区');
                """);

            // The coverage counters: one row per statement and town that changed what CoverageAsync counts (households
            // needing a cadre: not deleted, poor or at risk of relapse; and of those the paired ones), written in the
            // writer's transaction by statement-level triggers over the transition tables, so that a COPY of 26,000
            // households adds one row per town and a pairing one row. Then the counters of the rows already there.
            migrationBuilder.Sql("""
                CREATE FUNCTION coverage_counters_track() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'INSERT' THEN
                    INSERT INTO coverage_counters (county_id, town_id, households, paired)
                    SELECT (town_id / 1000)::int, town_id, count(*), count(*) FILTER (WHERE is_paired)
                    FROM new_rows WHERE delete_time IS NULL AND status IN (1, 3) GROUP BY town_id;
                  ELSIF TG_OP = 'DELETE' THEN
                    INSERT INTO coverage_counters (county_id, town_id, households, paired)
                    SELECT (town_id / 1000)::int, town_id, -count(*), -count(*) FILTER (WHERE is_paired)
                    FROM old_rows WHERE delete_time IS NULL AND status IN (1, 3) GROUP BY town_id;
                  ELSE
                    INSERT INTO coverage_counters (county_id, town_id, households, paired)
                    SELECT (town_id / 1000)::int, town_id, sum(h), sum(p) FROM (
                      SELECT town_id, 1 AS h, is_paired::int AS p FROM new_rows WHERE delete_time IS NULL AND status IN (1, 3)
                      UNION ALL
                      SELECT town_id, -1, -(is_paired::int) FROM old_rows WHERE delete_time IS NULL AND status IN (1, 3)
                    ) d GROUP BY town_id HAVING sum(h) <> 0 OR sum(p) <> 0;
                  END IF;
                  RETURN NULL;
                END $$;
                CREATE TRIGGER households_coverage_insert AFTER INSERT ON households
                  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_counters_track();
                CREATE TRIGGER households_coverage_update AFTER UPDATE ON households
                  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_counters_track();
                CREATE TRIGGER households_coverage_delete AFTER DELETE ON households
                  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_counters_track();
                CREATE FUNCTION coverage_counters_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  DELETE FROM coverage_counters;
                  RETURN NULL;
                END $$;
                CREATE TRIGGER households_coverage_truncate AFTER TRUNCATE ON households
                  FOR EACH STATEMENT EXECUTE FUNCTION coverage_counters_truncate();
                INSERT INTO coverage_counters (county_id, town_id, households, paired)
                SELECT (town_id / 1000)::int, town_id, count(*), count(*) FILTER (WHERE is_paired)
                FROM households WHERE delete_time IS NULL AND status IN (1, 3) GROUP BY town_id;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_counties_province_id_id",
                table: "counties",
                columns: new[] { "province_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_coverage_counters_county_id_town_id",
                table: "coverage_counters",
                columns: new[] { "county_id", "town_id" })
                .Annotation("Npgsql:IndexInclude", new[] { "households", "paired" });

            migrationBuilder.AddForeignKey(
                name: "fk_counties_provinces_province_id",
                table: "counties",
                column: "province_id",
                principalTable: "provinces",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER households_coverage_insert ON households;
                DROP TRIGGER households_coverage_update ON households;
                DROP TRIGGER households_coverage_delete ON households;
                DROP TRIGGER households_coverage_truncate ON households;
                DROP FUNCTION coverage_counters_track();
                DROP FUNCTION coverage_counters_truncate();
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_counties_provinces_province_id",
                table: "counties");

            migrationBuilder.DropTable(
                name: "coverage_counters");

            migrationBuilder.DropTable(
                name: "provinces");

            migrationBuilder.DropIndex(
                name: "ix_counties_province_id_id",
                table: "counties");

            migrationBuilder.DropColumn(
                name: "province_id",
                table: "counties");

            migrationBuilder.DropColumn(
                name: "province_id",
                table: "users");
        }
    }
}
