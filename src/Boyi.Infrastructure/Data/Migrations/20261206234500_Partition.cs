using Boyi.Infrastructure.Households;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Boyi.Infrastructure.Data.Migrations
{
    /// <summary>
    /// <c>households</c> partitioned by county (range of the primary key, one partition per county and a default one),
    /// every row, key, index, trigger and foreign key kept; counties added later get their partition from a trigger.
    /// Raw SQL only: the EF model does not change (HouseholdPartitions, docs/province.md "Partitions").
    /// </summary>
    public partial class Partition : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(HouseholdPartitions.PartitionSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(HouseholdPartitions.UnpartitionSql);
        }
    }
}
