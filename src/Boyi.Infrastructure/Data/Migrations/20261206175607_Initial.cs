using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Boyi.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "change_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    @object = table.Column<string>(name: "object", type: "character varying(64)", maxLength: 64, nullable: false),
                    change = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    change_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_change_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "compliance_alerts",
                columns: table => new
                {
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    subject = table.Column<long>(type: "bigint", nullable: false),
                    key = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    as_of = table.Column<DateOnly>(type: "date", nullable: false),
                    send_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_compliance_alerts", x => new { x.kind, x.subject, x.key });
                });

            migrationBuilder.CreateTable(
                name: "contact_tallies",
                columns: table => new
                {
                    pairing_id = table.Column<long>(type: "bigint", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    counts = table.Column<int[]>(type: "integer[]", nullable: false),
                    visit_dates = table.Column<DateOnly[]>(type: "date[]", nullable: false),
                    occasion_kinds = table.Column<short[]>(type: "smallint[]", nullable: false),
                    occasion_references = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_tallies", x => new { x.pairing_id, x.year });
                    table.CheckConstraint("ck_contact_tallies_shape", "cardinality(counts) = 36 AND cardinality(visit_dates) = cardinality(occasion_kinds) AND cardinality(visit_dates) = cardinality(occasion_references)");
                });

            migrationBuilder.CreateTable(
                name: "counties",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    display_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    policy_version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    policy_update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_counties", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "households",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    head_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    member_count = table.Column<short>(type: "smallint", nullable: false),
                    next_member_id = table.Column<short>(type: "smallint", nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    phone_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    poverty_causes = table.Column<short[]>(type: "smallint[]", nullable: false),
                    per_capita_income_fen = table.Column<long>(type: "bigint", nullable: false),
                    has_labour_capacity = table.Column<bool>(type: "boolean", nullable: false),
                    willing_to_run_industry = table.Column<bool>(type: "boolean", nullable: false),
                    classification = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    lifted_year = table.Column<int>(type: "integer", nullable: true),
                    is_paired = table.Column<bool>(type: "boolean", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    delete_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    delete_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_households", x => x.id);
                    table.CheckConstraint("ck_households_income", "per_capita_income_fen >= 0");
                    table.CheckConstraint("ck_households_lifted_year", "(status = 1) = (lifted_year IS NULL)");
                });

            migrationBuilder.CreateTable(
                name: "id_counters",
                columns: table => new
                {
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    next = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_id_counters", x => new { x.county_id, x.kind });
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    caller = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    method = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    request_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    response = table.Column<byte[]>(type: "bytea", nullable: true),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.caller, x.request_id });
                });

            migrationBuilder.CreateTable(
                name: "job_runs",
                columns: table => new
                {
                    job = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    period = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    finish_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_runs", x => new { x.job, x.period });
                });

            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    recipient_kind = table.Column<short>(type: "smallint", nullable: false),
                    recipient_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    recipient_enterprise_id = table.Column<long>(type: "bigint", nullable: true),
                    recipient_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    recipient_county_id = table.Column<int>(type: "integer", nullable: true),
                    recipient_town_id = table.Column<long>(type: "bigint", nullable: true),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    text = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    link = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    read_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    delivery_state = table.Column<short>(type: "smallint", nullable: false),
                    delivery_attempts = table.Column<int>(type: "integer", nullable: false),
                    delivery_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    delivery_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notifications", x => x.id);
                    table.CheckConstraint("ck_notifications_recipient", "(recipient_kind = 1 AND recipient_user_id IS NOT NULL) OR (recipient_kind = 2 AND recipient_enterprise_id IS NOT NULL) OR (recipient_kind = 3 AND recipient_role IS NOT NULL AND recipient_county_id IS NOT NULL)");
                });

            migrationBuilder.CreateTable(
                name: "oidc_applications",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    application_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    client_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    client_secret = table.Column<string>(type: "text", nullable: true),
                    client_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    concurrency_token = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    consent_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    display_names = table.Column<string>(type: "text", nullable: true),
                    json_web_key_set = table.Column<string>(type: "text", nullable: true),
                    permissions = table.Column<string>(type: "text", nullable: true),
                    post_logout_redirect_uris = table.Column<string>(type: "text", nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    redirect_uris = table.Column<string>(type: "text", nullable: true),
                    requirements = table.Column<string>(type: "text", nullable: true),
                    settings = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_oidc_applications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "oidc_scopes",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    concurrency_token = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    description = table.Column<string>(type: "text", nullable: true),
                    descriptions = table.Column<string>(type: "text", nullable: true),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    display_names = table.Column<string>(type: "text", nullable: true),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    resources = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_oidc_scopes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "operations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    started_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    hangfire_job_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    done = table.Column<bool>(type: "boolean", nullable: false),
                    response = table.Column<byte[]>(type: "bytea", nullable: true),
                    error = table.Column<byte[]>(type: "bytea", nullable: true),
                    metadata = table.Column<byte[]>(type: "bytea", nullable: true),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    done_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "prepared_write_decisions",
                columns: table => new
                {
                    gid_prefix = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    parts = table.Column<int>(type: "integer", nullable: false),
                    decide_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prepared_write_decisions", x => x.gid_prefix);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    full_name = table.Column<string>(type: "text", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: true),
                    cadre_id = table.Column<long>(type: "bigint", nullable: true),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: true),
                    must_change_password = table.Column<bool>(type: "boolean", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: true),
                    security_stamp = table.Column<string>(type: "text", nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true),
                    phone_number = table.Column<string>(type: "text", nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "duty_policy_revisions",
                columns: table => new
                {
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    contacts_per_month = table.Column<int>(type: "integer", nullable: false),
                    visits_per_quarter = table.Column<int>(type: "integer", nullable: false),
                    entry_window_days = table.Column<int>(type: "integer", nullable: false),
                    correction_window_hours = table.Column<int>(type: "integer", nullable: false),
                    festival_days_before = table.Column<int>(type: "integer", nullable: false),
                    festival_days_after = table.Column<int>(type: "integer", nullable: false),
                    difficulty_visit_days = table.Column<int>(type: "integer", nullable: false),
                    life_event_visit_days = table.Column<int>(type: "integer", nullable: false),
                    death_visit_days = table.Column<int>(type: "integer", nullable: false),
                    dispute_visit_days = table.Column<int>(type: "integer", nullable: false),
                    festivals = table.Column<string>(type: "jsonb", nullable: false),
                    busy_seasons = table.Column<string>(type: "jsonb", nullable: false),
                    changed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    change_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_duty_policy_revisions", x => new { x.county_id, x.revision });
                    table.CheckConstraint("ck_duty_policy_revisions_lists", "jsonb_typeof(festivals) = 'array' AND jsonb_typeof(busy_seasons) = 'array'");
                    table.CheckConstraint("ck_duty_policy_revisions_numbers", "contacts_per_month BETWEEN 1 AND 31 AND visits_per_quarter BETWEEN 1 AND 13 AND entry_window_days BETWEEN 1 AND 31 AND correction_window_hours BETWEEN 0 AND 168 AND festival_days_before BETWEEN 0 AND 60 AND festival_days_after BETWEEN 0 AND 60 AND difficulty_visit_days BETWEEN 1 AND 60 AND life_event_visit_days BETWEEN 1 AND 60 AND death_visit_days BETWEEN 1 AND 60 AND dispute_visit_days BETWEEN 1 AND 60");
                    table.CheckConstraint("ck_duty_policy_revisions_revision", "revision >= 1");
                    table.ForeignKey(
                        name: "fk_duty_policy_revisions_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "employment_subsidy_schemes",
                columns: table => new
                {
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    milestone_months = table.Column<short[]>(type: "smallint[]", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    yearly_cap_fen = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_employment_subsidy_schemes", x => x.county_id);
                    table.CheckConstraint("ck_employment_subsidy_schemes_money", "amount_fen >= 0 AND yearly_cap_fen >= 0");
                    table.ForeignKey(
                        name: "fk_employment_subsidy_schemes_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "exit_targets",
                columns: table => new
                {
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    people = table.Column<int>(type: "integer", nullable: false),
                    households = table.Column<int>(type: "integer", nullable: false),
                    villages = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exit_targets", x => new { x.county_id, x.year, x.town_id });
                    table.CheckConstraint("ck_exit_targets_numbers", "people >= 0 AND households >= 0 AND villages >= 0");
                    table.ForeignKey(
                        name: "fk_exit_targets_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "lenders",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    leverage = table.Column<int>(type: "integer", nullable: false),
                    deposits_fen = table.Column<long>(type: "bigint", nullable: false),
                    claims_fen = table.Column<long>(type: "bigint", nullable: false),
                    reserved_fen = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lenders", x => x.id);
                    table.CheckConstraint("ck_lenders_fund", "leverage > 0 AND deposits_fen >= 0 AND claims_fen >= 0 AND reserved_fen >= 0");
                    table.ForeignKey(
                        name: "fk_lenders_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loan_schemes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    max_principal_fen = table.Column<long>(type: "bigint", nullable: false),
                    max_term_months = table.Column<int>(type: "integer", nullable: false),
                    annual_rate_ppm = table.Column<int>(type: "integer", nullable: false),
                    guarantee_required = table.Column<bool>(type: "boolean", nullable: false),
                    subsidy_years = table.Column<int>(type: "integer", nullable: false),
                    entrusted = table.Column<bool>(type: "boolean", nullable: false),
                    dividend_rate_ppm = table.Column<int>(type: "integer", nullable: false),
                    dividend_grace_days = table.Column<int>(type: "integer", nullable: false),
                    repayment_grace_days = table.Column<int>(type: "integer", nullable: false),
                    default_after_overdue_days = table.Column<int>(type: "integer", nullable: false),
                    risk_fund_share_ppm = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_loan_schemes", x => x.id);
                    table.CheckConstraint("ck_loan_schemes_terms", "max_principal_fen > 0 AND max_term_months > 0 AND annual_rate_ppm >= 0 AND subsidy_years >= 0 AND dividend_rate_ppm >= 0 AND default_after_overdue_days > 0 AND risk_fund_share_ppm BETWEEN 0 AND 1000000");
                    table.ForeignKey(
                        name: "fk_loan_schemes_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pairing_proposals",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    scope = table.Column<string>(type: "text", nullable: false),
                    accepted = table.Column<bool>(type: "boolean", nullable: false),
                    payload = table.Column<byte[]>(type: "bytea", nullable: false),
                    cadre_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    household_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    accept_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pairing_proposals", x => x.id);
                    table.ForeignKey(
                        name: "fk_pairing_proposals_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payment_batches",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    accrual_from = table.Column<DateOnly>(type: "date", nullable: false),
                    accrual_to = table.Column<DateOnly>(type: "date", nullable: false),
                    payee_kind = table.Column<int>(type: "integer", nullable: true),
                    payee_id = table.Column<long>(type: "bigint", nullable: true),
                    state = table.Column<int>(type: "integer", nullable: false),
                    row_count = table.Column<int>(type: "integer", nullable: false),
                    total_fen = table.Column<long>(type: "bigint", nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    approved_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    approve_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    export_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    paid_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    paid_date = table.Column<DateOnly>(type: "date", nullable: true),
                    pay_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    cancelled_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    cancel_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    cancel_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_batches", x => x.id);
                    table.CheckConstraint("ck_payment_batches_approved", "(state IN (2, 3)) <= (approved_by IS NOT NULL)");
                    table.CheckConstraint("ck_payment_batches_kind", "kind IN (1, 2)");
                    table.CheckConstraint("ck_payment_batches_paid", "(state = 3) = (paid_date IS NOT NULL) AND (state <> 3 OR export_time IS NOT NULL)");
                    table.CheckConstraint("ck_payment_batches_rows", "row_count > 0 AND accrual_to >= accrual_from");
                    table.CheckConstraint("ck_payment_batches_second_person", "approved_by IS NULL OR approved_by <> created_by");
                    table.ForeignKey(
                        name: "fk_payment_batches_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "quota_rules",
                columns: table => new
                {
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    scope = table.Column<int>(type: "integer", nullable: false),
                    households = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quota_rules", x => new { x.county_id, x.rank });
                    table.ForeignKey(
                        name: "fk_quota_rules_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "relapse_monitoring_lines",
                columns: table => new
                {
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    line_fen = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    changed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relapse_monitoring_lines", x => new { x.county_id, x.year });
                    table.CheckConstraint("ck_relapse_monitoring_lines_line", "line_fen BETWEEN 1 AND 100000000");
                    table.ForeignKey(
                        name: "fk_relapse_monitoring_lines_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "towns",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    display_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_towns", x => x.id);
                    table.ForeignKey(
                        name: "fk_towns_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "help_plans",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    classification = table.Column<int>(type: "integer", nullable: false),
                    addressed_causes = table.Column<short[]>(type: "smallint[]", nullable: false),
                    income_goal_fen = table.Column<long>(type: "bigint", nullable: false),
                    exit_year = table.Column<int>(type: "integer", nullable: true),
                    author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_help_plans", x => x.id);
                    table.CheckConstraint("ck_help_plans_income_goal", "income_goal_fen BETWEEN 0 AND 100000000");
                    table.ForeignKey(
                        name: "fk_help_plans_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "household_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    event_date = table.Column<DateOnly>(type: "date", nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_household_events", x => x.id);
                    table.CheckConstraint("ck_household_events_kind", "kind BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "fk_household_events_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "household_exits",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    income_fen = table.Column<long>(type: "bigint", nullable: false),
                    income_from_registry = table.Column<bool>(type: "boolean", nullable: false),
                    people = table.Column<short>(type: "smallint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    checks = table.Column<string>(type: "jsonb", nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    town_confirmer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    town_confirm_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    town_confirm_date = table.Column<DateOnly>(type: "date", nullable: true),
                    county_confirmer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    county_confirm_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    county_confirm_date = table.Column<DateOnly>(type: "date", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_household_exits", x => x.id);
                    table.CheckConstraint("ck_household_exits_county", "(state = 3) = (county_confirmer IS NOT NULL) AND (state < 3 OR county_confirmer <> town_confirmer)");
                    table.CheckConstraint("ck_household_exits_income", "income_fen BETWEEN 0 AND 100000000");
                    table.CheckConstraint("ck_household_exits_state", "state BETWEEN 1 AND 3");
                    table.CheckConstraint("ck_household_exits_town", "(state >= 2) = (town_confirmer IS NOT NULL)");
                    table.ForeignKey(
                        name: "fk_household_exits_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "household_members",
                columns: table => new
                {
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    member_id = table.Column<short>(type: "smallint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    full_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    relation = table.Column<int>(type: "integer", nullable: false),
                    id_card_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    id_card_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: false),
                    health = table.Column<int>(type: "integer", nullable: false),
                    labour_capacity = table.Column<int>(type: "integer", nullable: false),
                    household_deleted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_household_members", x => new { x.household_id, x.member_id });
                    table.ForeignKey(
                        name: "fk_household_members_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "household_status_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    from_status = table.Column<int>(type: "integer", nullable: true),
                    to_status = table.Column<int>(type: "integer", nullable: false),
                    lifted_year = table.Column<int>(type: "integer", nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    change_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_household_status_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_household_status_changes_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "relapse_watches",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    lifted_date = table.Column<DateOnly>(type: "date", nullable: false),
                    watched_until = table.Column<DateOnly>(type: "date", nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    open_date = table.Column<DateOnly>(type: "date", nullable: false),
                    close_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    closer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    close_date = table.Column<DateOnly>(type: "date", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relapse_watches", x => x.id);
                    table.CheckConstraint("ck_relapse_watches_closed", "(state = 1) = (close_date IS NULL) AND (state = 1) = (closer IS NULL) AND (state = 1) = (close_note IS NULL)");
                    table.CheckConstraint("ck_relapse_watches_state", "state BETWEEN 1 AND 3");
                    table.ForeignKey(
                        name: "fk_relapse_watches_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "oidc_authorizations",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    application_id = table.Column<string>(type: "text", nullable: true),
                    concurrency_token = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    creation_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    scopes = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_oidc_authorizations", x => x.id);
                    table.ForeignKey(
                        name: "fk_oidc_authorizations_oidc_applications_application_id",
                        column: x => x.application_id,
                        principalTable: "oidc_applications",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "role_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    role_id = table.Column<string>(type: "text", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_role_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_role_claims_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_user_claims_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_logins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    provider_key = table.Column<string>(type: "text", nullable: false),
                    provider_display_name = table.Column<string>(type: "text", nullable: true),
                    user_id = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "fk_user_logins_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_roles",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    role_id = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_roles", x => new { x.user_id, x.role_id });
                    table.ForeignKey(
                        name: "fk_user_roles_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_user_roles_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_tokens",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "fk_user_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loan_scheme_subsidy_shares",
                columns: table => new
                {
                    scheme_id = table.Column<long>(type: "bigint", nullable: false),
                    from_year = table.Column<int>(type: "integer", nullable: false),
                    share_ppm = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_loan_scheme_subsidy_shares", x => new { x.scheme_id, x.from_year });
                    table.CheckConstraint("ck_loan_scheme_subsidy_shares_share", "share_ppm BETWEEN 0 AND 1000000");
                    table.ForeignKey(
                        name: "fk_loan_scheme_subsidy_shares_loan_schemes_scheme_id",
                        column: x => x.scheme_id,
                        principalTable: "loan_schemes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payment_batch_exports",
                columns: table => new
                {
                    batch_id = table.Column<long>(type: "bigint", nullable: false),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    exported_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_batch_exports", x => x.batch_id);
                    table.ForeignKey(
                        name: "fk_payment_batch_exports_payment_batches_batch_id",
                        column: x => x.batch_id,
                        principalTable: "payment_batches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "enterprises",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    credit_code = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    legal_representative = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    contact_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    contact_phone_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    contact_phone_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    industry = table.Column<int>(type: "integer", nullable: false),
                    chamber_member = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    status_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enterprises", x => x.id);
                    table.ForeignKey(
                        name: "fk_enterprises_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_enterprises_towns_town_id",
                        column: x => x.town_id,
                        principalTable: "towns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "problems",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    category = table.Column<short>(type: "smallint", nullable: false),
                    description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    raised_date = table.Column<DateOnly>(type: "date", nullable: false),
                    raised_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    assignee_town_id = table.Column<long>(type: "bigint", nullable: true),
                    assignee_department = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    deadline = table.Column<DateOnly>(type: "date", nullable: true),
                    solution_note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    solved_date = table.Column<DateOnly>(type: "date", nullable: true),
                    reopen_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_problems", x => x.id);
                    table.CheckConstraint("ck_problems_assignee", "NOT (assignee_town_id IS NOT NULL AND assignee_department IS NOT NULL) AND (state = 1 OR ((assignee_town_id IS NOT NULL OR assignee_department IS NOT NULL) AND deadline IS NOT NULL))");
                    table.CheckConstraint("ck_problems_category", "category BETWEEN 1 AND 10");
                    table.CheckConstraint("ck_problems_state", "state BETWEEN 1 AND 4");
                    table.ForeignKey(
                        name: "fk_problems_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_problems_towns_assignee_town_id",
                        column: x => x.assignee_town_id,
                        principalTable: "towns",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "villages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    display_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    poor = table.Column<bool>(type: "boolean", nullable: false),
                    exit_target_year = table.Column<int>(type: "integer", nullable: true),
                    exit_date = table.Column<DateOnly>(type: "date", nullable: true),
                    registered_rural_population = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    next_household_seq = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_villages", x => x.id);
                    table.ForeignKey(
                        name: "fk_villages_towns_town_id",
                        column: x => x.town_id,
                        principalTable: "towns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "help_plan_items",
                columns: table => new
                {
                    plan_id = table.Column<long>(type: "bigint", nullable: false),
                    number = table.Column<short>(type: "smallint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    measure = table.Column<int>(type: "integer", nullable: false),
                    owner_kind = table.Column<short>(type: "smallint", nullable: false),
                    owner_id = table.Column<long>(type: "bigint", nullable: true),
                    owner_department = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    state_note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_help_plan_items", x => new { x.plan_id, x.number });
                    table.CheckConstraint("ck_help_plan_items_dropped", "state <> 4 OR state_note IS NOT NULL");
                    table.CheckConstraint("ck_help_plan_items_owner", "(owner_kind = 3) = (owner_department IS NOT NULL) AND (owner_kind = 3) = (owner_id IS NULL)");
                    table.CheckConstraint("ck_help_plan_items_state", "state BETWEEN 1 AND 4");
                    table.ForeignKey(
                        name: "fk_help_plan_items_help_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "help_plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "help_plan_revisions",
                columns: table => new
                {
                    plan_id = table.Column<long>(type: "bigint", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    content = table.Column<string>(type: "jsonb", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_help_plan_revisions", x => new { x.plan_id, x.revision });
                    table.ForeignKey(
                        name: "fk_help_plan_revisions_help_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "help_plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "relapse_measures",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    watch_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    what = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    taken_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    measure_date = table.Column<DateOnly>(type: "date", nullable: false),
                    author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relapse_measures", x => x.id);
                    table.ForeignKey(
                        name: "fk_relapse_measures_relapse_watches_watch_id",
                        column: x => x.watch_id,
                        principalTable: "relapse_watches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "relapse_triggers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    watch_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    trigger_date = table.Column<DateOnly>(type: "date", nullable: false),
                    reporter = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relapse_triggers", x => x.id);
                    table.CheckConstraint("ck_relapse_triggers_amount", "amount_fen BETWEEN 0 AND 100000000000");
                    table.CheckConstraint("ck_relapse_triggers_kind", "kind BETWEEN 1 AND 6");
                    table.ForeignKey(
                        name: "fk_relapse_triggers_relapse_watches_watch_id",
                        column: x => x.watch_id,
                        principalTable: "relapse_watches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "oidc_tokens",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    application_id = table.Column<string>(type: "text", nullable: true),
                    authorization_id = table.Column<string>(type: "text", nullable: true),
                    concurrency_token = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    creation_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    expiration_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    payload = table.Column<string>(type: "text", nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    redemption_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    reference_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    type = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_oidc_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_oidc_tokens_oidc_applications_application_id",
                        column: x => x.application_id,
                        principalTable: "oidc_applications",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_oidc_tokens_oidc_authorizations_authorization_id",
                        column: x => x.authorization_id,
                        principalTable: "oidc_authorizations",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "enterprise_status_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    from_status = table.Column<int>(type: "integer", nullable: true),
                    to_status = table.Column<int>(type: "integer", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    change_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enterprise_status_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_enterprise_status_changes_enterprises_enterprise_id",
                        column: x => x.enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linkages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    lead_enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    mode = table.Column<int>(type: "integer", nullable: false),
                    model = table.Column<int>(type: "integer", nullable: false),
                    model_note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    funds_pledged_fen = table.Column<long>(type: "bigint", nullable: false),
                    jobs_pledged = table.Column<int>(type: "integer", nullable: false),
                    produce_purchase = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    training_sessions = table.Column<int>(type: "integer", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    status_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    proposed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkages", x => x.id);
                    table.CheckConstraint("ck_linkages_commitments", "funds_pledged_fen >= 0 AND jobs_pledged >= 0 AND training_sessions >= 0");
                    table.CheckConstraint("ck_linkages_period", "end_date >= start_date");
                    table.ForeignKey(
                        name: "fk_linkages_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_linkages_enterprises_lead_enterprise_id",
                        column: x => x.lead_enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loans",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    member_id = table.Column<short>(type: "smallint", nullable: false),
                    scheme_id = table.Column<long>(type: "bigint", nullable: false),
                    lender_id = table.Column<long>(type: "bigint", nullable: false),
                    guarantor_id = table.Column<long>(type: "bigint", nullable: true),
                    principal_fen = table.Column<long>(type: "bigint", nullable: false),
                    term_months = table.Column<int>(type: "integer", nullable: false),
                    purpose = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    state = table.Column<int>(type: "integer", nullable: false),
                    annual_rate_ppm = table.Column<int>(type: "integer", nullable: false),
                    entrusted = table.Column<bool>(type: "boolean", nullable: false),
                    contract_number = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    disbursement_date = table.Column<DateOnly>(type: "date", nullable: true),
                    maturity_date = table.Column<DateOnly>(type: "date", nullable: true),
                    repayment_date = table.Column<DateOnly>(type: "date", nullable: true),
                    overdue_date = table.Column<DateOnly>(type: "date", nullable: true),
                    default_date = table.Column<DateOnly>(type: "date", nullable: true),
                    claim_fen = table.Column<long>(type: "bigint", nullable: false),
                    guarantor_liability_fen = table.Column<long>(type: "bigint", nullable: false),
                    applied_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_loans", x => x.id);
                    table.CheckConstraint("ck_loans_disbursed", "(state IN (1, 2, 3)) = (disbursement_date IS NULL)");
                    table.CheckConstraint("ck_loans_money", "principal_fen > 0 AND term_months > 0 AND claim_fen >= 0 AND guarantor_liability_fen >= 0");
                    table.ForeignKey(
                        name: "fk_loans_enterprises_guarantor_id",
                        column: x => x.guarantor_id,
                        principalTable: "enterprises",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_loans_household_members_household_id_member_id",
                        columns: x => new { x.household_id, x.member_id },
                        principalTable: "household_members",
                        principalColumns: new[] { "household_id", "member_id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_loans_lenders_lender_id",
                        column: x => x.lender_id,
                        principalTable: "lenders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_loans_loan_schemes_scheme_id",
                        column: x => x.scheme_id,
                        principalTable: "loan_schemes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "statements",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    enterprise_display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    credit_code = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    total_fen = table.Column<long>(type: "bigint", nullable: false),
                    issue_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    issued_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_statements", x => x.id);
                    table.CheckConstraint("ck_statements_total", "total_fen >= 0");
                    table.ForeignKey(
                        name: "fk_statements_enterprises_enterprise_id",
                        column: x => x.enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "problem_revisions",
                columns: table => new
                {
                    problem_id = table.Column<long>(type: "bigint", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    action = table.Column<short>(type: "smallint", nullable: false),
                    content = table.Column<string>(type: "jsonb", nullable: false),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_problem_revisions", x => new { x.problem_id, x.revision });
                    table.ForeignKey(
                        name: "fk_problem_revisions_problems_problem_id",
                        column: x => x.problem_id,
                        principalTable: "problems",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cadres",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    full_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    unit = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    linked_town_id = table.Column<long>(type: "bigint", nullable: false),
                    linked_village_id = table.Column<long>(type: "bigint", nullable: true),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    phone_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    active_pairings = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cadres", x => x.id);
                    table.CheckConstraint("ck_cadres_active_pairings", "active_pairings >= 0");
                    table.ForeignKey(
                        name: "fk_cadres_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_cadres_towns_linked_town_id",
                        column: x => x.linked_town_id,
                        principalTable: "towns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_cadres_villages_linked_village_id",
                        column: x => x.linked_village_id,
                        principalTable: "villages",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    title = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: true),
                    openings = table.Column<int>(type: "integer", nullable: false),
                    monthly_wage_fen = table.Column<long>(type: "bigint", nullable: false),
                    requirements = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    open_from = table.Column<DateOnly>(type: "date", nullable: false),
                    open_until = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                    table.CheckConstraint("ck_jobs_openings", "openings > 0 AND monthly_wage_fen >= 0");
                    table.CheckConstraint("ck_jobs_period", "open_until >= open_from");
                    table.ForeignKey(
                        name: "fk_jobs_enterprises_enterprise_id",
                        column: x => x.enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_jobs_towns_town_id",
                        column: x => x.town_id,
                        principalTable: "towns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_jobs_villages_village_id",
                        column: x => x.village_id,
                        principalTable: "villages",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "projects",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    pledged_fen = table.Column<long>(type: "bigint", nullable: false),
                    delivered_fen = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_projects", x => x.id);
                    table.CheckConstraint("ck_projects_money", "pledged_fen > 0 AND delivered_fen >= 0");
                    table.ForeignKey(
                        name: "fk_projects_enterprises_enterprise_id",
                        column: x => x.enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_projects_villages_village_id",
                        column: x => x.village_id,
                        principalTable: "villages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "village_exits",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    poor_people = table.Column<int>(type: "integer", nullable: false),
                    population = table.Column<int>(type: "integer", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    checks = table.Column<string>(type: "jsonb", nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    town_confirmer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    town_confirm_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    town_confirm_date = table.Column<DateOnly>(type: "date", nullable: true),
                    county_confirmer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    county_confirm_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    county_confirm_date = table.Column<DateOnly>(type: "date", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_village_exits", x => x.id);
                    table.CheckConstraint("ck_village_exits_county", "(state = 3) = (county_confirmer IS NOT NULL) AND (state < 3 OR county_confirmer <> town_confirmer)");
                    table.CheckConstraint("ck_village_exits_state", "state BETWEEN 1 AND 3");
                    table.CheckConstraint("ck_village_exits_town", "(state >= 2) = (town_confirmer IS NOT NULL)");
                    table.ForeignKey(
                        name: "fk_village_exits_villages_village_id",
                        column: x => x.village_id,
                        principalTable: "villages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cooperatives",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    display_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    chair_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    chair_cadre_id = table.Column<long>(type: "bigint", nullable: true),
                    produce = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    founded_date = table.Column<DateOnly>(type: "date", nullable: false),
                    linkage_id = table.Column<long>(type: "bigint", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cooperatives", x => x.id);
                    table.ForeignKey(
                        name: "fk_cooperatives_linkages_linkage_id",
                        column: x => x.linkage_id,
                        principalTable: "linkages",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_cooperatives_villages_village_id",
                        column: x => x.village_id,
                        principalTable: "villages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linkage_participants",
                columns: table => new
                {
                    linkage_id = table.Column<long>(type: "bigint", nullable: false),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<int>(type: "integer", nullable: false),
                    answer_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_participants", x => new { x.linkage_id, x.enterprise_id });
                    table.ForeignKey(
                        name: "fk_linkage_participants_enterprises_enterprise_id",
                        column: x => x.enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_linkage_participants_linkages_linkage_id",
                        column: x => x.linkage_id,
                        principalTable: "linkages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linkage_status_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    linkage_id = table.Column<long>(type: "bigint", nullable: false),
                    from_status = table.Column<int>(type: "integer", nullable: true),
                    to_status = table.Column<int>(type: "integer", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    change_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_status_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_linkage_status_changes_linkages_linkage_id",
                        column: x => x.linkage_id,
                        principalTable: "linkages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linkage_targets",
                columns: table => new
                {
                    linkage_id = table.Column<long>(type: "bigint", nullable: false),
                    seq = table.Column<short>(type: "smallint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: true),
                    household_id = table.Column<long>(type: "bigint", nullable: true),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    exclusive_hold = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_targets", x => new { x.linkage_id, x.seq });
                    table.CheckConstraint("ck_linkage_targets_one_kind", "(village_id IS NULL) <> (household_id IS NULL)");
                    table.ForeignKey(
                        name: "fk_linkage_targets_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_linkage_targets_linkages_linkage_id",
                        column: x => x.linkage_id,
                        principalTable: "linkages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_linkage_targets_villages_village_id",
                        column: x => x.village_id,
                        principalTable: "villages",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "loan_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    loan_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    from_state = table.Column<int>(type: "integer", nullable: true),
                    to_state = table.Column<int>(type: "integer", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    event_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_loan_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_loan_events_loans_loan_id",
                        column: x => x.loan_id,
                        principalTable: "loans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loan_interest_dues",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    loan_id = table.Column<long>(type: "bigint", nullable: false),
                    period_end = table.Column<DateOnly>(type: "date", nullable: false),
                    days = table.Column<int>(type: "integer", nullable: false),
                    interest_fen = table.Column<long>(type: "bigint", nullable: false),
                    subsidy_fen = table.Column<long>(type: "bigint", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    payer_enterprise_id = table.Column<long>(type: "bigint", nullable: true),
                    paid_date = table.Column<DateOnly>(type: "date", nullable: true),
                    reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    recorded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    paid_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_loan_interest_dues", x => x.id);
                    table.CheckConstraint("ck_loan_interest_dues_terms", "days > 0 AND interest_fen >= 0 AND subsidy_fen BETWEEN 0 AND interest_fen AND amount_fen = interest_fen - subsidy_fen AND due_date <= period_end AND (paid_date IS NULL) = (recorded_by IS NULL)");
                    table.ForeignKey(
                        name: "fk_loan_interest_dues_enterprises_payer_enterprise_id",
                        column: x => x.payer_enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_loan_interest_dues_loans_loan_id",
                        column: x => x.loan_id,
                        principalTable: "loans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "risk_fund_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    lender_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    loan_id = table.Column<long>(type: "bigint", nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_risk_fund_entries", x => x.id);
                    table.CheckConstraint("ck_risk_fund_entries_amount", "amount_fen > 0");
                    table.ForeignKey(
                        name: "fk_risk_fund_entries_lenders_lender_id",
                        column: x => x.lender_id,
                        principalTable: "lenders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_risk_fund_entries_loans_loan_id",
                        column: x => x.loan_id,
                        principalTable: "loans",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "statement_supersessions",
                columns: table => new
                {
                    old_statement_id = table.Column<long>(type: "bigint", nullable: false),
                    new_statement_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    supersede_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_statement_supersessions", x => x.old_statement_id);
                    table.CheckConstraint("ck_statement_supersessions_distinct", "old_statement_id <> new_statement_id");
                    table.ForeignKey(
                        name: "fk_statement_supersessions_statements_new_statement_id",
                        column: x => x.new_statement_id,
                        principalTable: "statements",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_statement_supersessions_statements_old_statement_id",
                        column: x => x.old_statement_id,
                        principalTable: "statements",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pairings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    cadre_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    contact_card_number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    proposal_id = table.Column<long>(type: "bigint", nullable: true),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pairings", x => x.id);
                    table.ForeignKey(
                        name: "fk_pairings_cadres_cadre_id",
                        column: x => x.cadre_id,
                        principalTable: "cadres",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_pairings_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "village_assignments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    cadre_id = table.Column<long>(type: "bigint", nullable: false),
                    role = table.Column<short>(type: "smallint", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_village_assignments", x => x.id);
                    table.CheckConstraint("ck_village_assignments_dates", "end_date IS NULL OR end_date >= start_date");
                    table.CheckConstraint("ck_village_assignments_role", "role BETWEEN 1 AND 2");
                    table.ForeignKey(
                        name: "fk_village_assignments_cadres_cadre_id",
                        column: x => x.cadre_id,
                        principalTable: "cadres",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_village_assignments_villages_village_id",
                        column: x => x.village_id,
                        principalTable: "villages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "placements",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    job_id = table.Column<long>(type: "bigint", nullable: false),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    member_id = table.Column<short>(type: "smallint", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    monthly_wage_fen = table.Column<long>(type: "bigint", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_placements", x => x.id);
                    table.CheckConstraint("ck_placements_wage", "monthly_wage_fen >= 0");
                    table.ForeignKey(
                        name: "fk_placements_household_members_household_id_member_id",
                        columns: x => new { x.household_id, x.member_id },
                        principalTable: "household_members",
                        principalColumns: new[] { "household_id", "member_id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_placements_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    project_id = table.Column<long>(type: "bigint", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deliveries", x => x.id);
                    table.CheckConstraint("ck_deliveries_amount", "amount_fen > 0");
                    table.ForeignKey(
                        name: "fk_deliveries_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "statement_lines",
                columns: table => new
                {
                    statement_id = table.Column<long>(type: "bigint", nullable: false),
                    line = table.Column<int>(type: "integer", nullable: false),
                    project_id = table.Column<long>(type: "bigint", nullable: false),
                    project_title = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    village_display_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_statement_lines", x => new { x.statement_id, x.line });
                    table.CheckConstraint("ck_statement_lines_amount", "amount_fen >= 0");
                    table.ForeignKey(
                        name: "fk_statement_lines_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_statement_lines_statements_statement_id",
                        column: x => x.statement_id,
                        principalTable: "statements",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "base_employments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    cooperative_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    member_id = table.Column<short>(type: "smallint", nullable: false),
                    period_start = table.Column<DateOnly>(type: "date", nullable: false),
                    period_end = table.Column<DateOnly>(type: "date", nullable: false),
                    days = table.Column<int>(type: "integer", nullable: false),
                    wages_fen = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_base_employments", x => x.id);
                    table.CheckConstraint("ck_base_employments_period", "period_end >= period_start AND days BETWEEN 1 AND 366");
                    table.CheckConstraint("ck_base_employments_wages", "wages_fen BETWEEN 0 AND 100000000");
                    table.ForeignKey(
                        name: "fk_base_employments_cooperatives_cooperative_id",
                        column: x => x.cooperative_id,
                        principalTable: "cooperatives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_base_employments_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cooperative_members",
                columns: table => new
                {
                    cooperative_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    join_date = table.Column<DateOnly>(type: "date", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cooperative_members", x => new { x.cooperative_id, x.household_id });
                    table.ForeignKey(
                        name: "fk_cooperative_members_cooperatives_cooperative_id",
                        column: x => x.cooperative_id,
                        principalTable: "cooperatives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_cooperative_members_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "land_contracts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    cooperative_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: true),
                    lessor_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    area_hundredths = table.Column<long>(type: "bigint", nullable: false),
                    rent_fen_per_mu = table.Column<long>(type: "bigint", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    term_years = table.Column<int>(type: "integer", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    last_day = table.Column<DateOnly>(type: "date", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_land_contracts", x => x.id);
                    table.CheckConstraint("ck_land_contracts_area", "area_hundredths BETWEEN 1 AND 10000000");
                    table.CheckConstraint("ck_land_contracts_last_day", "last_day >= start_date");
                    table.CheckConstraint("ck_land_contracts_rent", "rent_fen_per_mu BETWEEN 1 AND 1000000");
                    table.CheckConstraint("ck_land_contracts_term", "term_years BETWEEN 1 AND 30");
                    table.ForeignKey(
                        name: "fk_land_contracts_cooperatives_cooperative_id",
                        column: x => x.cooperative_id,
                        principalTable: "cooperatives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_land_contracts_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "contact_card_issues",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    cadre_id = table.Column<long>(type: "bigint", nullable: false),
                    pairing_id = table.Column<long>(type: "bigint", nullable: false),
                    contact_card_number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    issue_date = table.Column<DateOnly>(type: "date", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_card_issues", x => x.id);
                    table.ForeignKey(
                        name: "fk_contact_card_issues_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_contact_card_issues_pairings_pairing_id",
                        column: x => x.pairing_id,
                        principalTable: "pairings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contact_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: false),
                    cadre_id = table.Column<long>(type: "bigint", nullable: false),
                    pairing_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    occur_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    occur_date = table.Column<DateOnly>(type: "date", nullable: false),
                    diary_done = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    diary_seen_and_heard = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    diary_thoughts = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    photo_count = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    update_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    correctable_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_records", x => x.id);
                    table.CheckConstraint("ck_contact_records_diary", "(kind = 2) = (diary_done IS NOT NULL AND diary_seen_and_heard IS NOT NULL AND diary_thoughts IS NOT NULL) AND (kind = 2 OR (diary_done IS NULL AND diary_seen_and_heard IS NULL AND diary_thoughts IS NULL))");
                    table.CheckConstraint("ck_contact_records_kind", "kind IN (1, 2, 3)");
                    table.ForeignKey(
                        name: "fk_contact_records_cadres_cadre_id",
                        column: x => x.cadre_id,
                        principalTable: "cadres",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_contact_records_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_contact_records_pairings_pairing_id",
                        column: x => x.pairing_id,
                        principalTable: "pairings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "subsidy_ledger",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    payee_kind = table.Column<int>(type: "integer", nullable: false),
                    payee_id = table.Column<long>(type: "bigint", nullable: false),
                    placement_id = table.Column<long>(type: "bigint", nullable: true),
                    milestone_months = table.Column<short>(type: "smallint", nullable: true),
                    loan_id = table.Column<long>(type: "bigint", nullable: true),
                    accrual_date = table.Column<DateOnly>(type: "date", nullable: false),
                    days = table.Column<int>(type: "integer", nullable: true),
                    interest_fen = table.Column<long>(type: "bigint", nullable: true),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    batch_id = table.Column<long>(type: "bigint", nullable: true),
                    corrects_id = table.Column<long>(type: "bigint", nullable: true),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subsidy_ledger", x => x.id);
                    table.CheckConstraint("ck_subsidy_ledger_amount", "amount_fen >= 0 OR corrects_id IS NOT NULL");
                    table.CheckConstraint("ck_subsidy_ledger_batch", "(batch_id IS NOT NULL) = (status IN (2, 3) AND kind <> 3)");
                    table.CheckConstraint("ck_subsidy_ledger_source", "(kind = 1 AND placement_id IS NOT NULL AND milestone_months IS NOT NULL AND loan_id IS NULL) OR (kind IN (2, 3) AND loan_id IS NOT NULL AND placement_id IS NULL AND milestone_months IS NULL)");
                    table.CheckConstraint("ck_subsidy_ledger_status", "status IN (1, 2, 3, 4) AND (kind <> 3 OR status IN (1, 3)) AND (status <> 4 OR kind = 2)");
                    table.ForeignKey(
                        name: "fk_subsidy_ledger_counties_county_id",
                        column: x => x.county_id,
                        principalTable: "counties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_subsidy_ledger_payment_batches_batch_id",
                        column: x => x.batch_id,
                        principalTable: "payment_batches",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_subsidy_ledger_placements_placement_id",
                        column: x => x.placement_id,
                        principalTable: "placements",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_subsidy_ledger_subsidy_ledger_corrects_id",
                        column: x => x.corrects_id,
                        principalTable: "subsidy_ledger",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "rent_dues",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    contract_id = table.Column<long>(type: "bigint", nullable: false),
                    cooperative_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    town_id = table.Column<long>(type: "bigint", nullable: false),
                    village_id = table.Column<long>(type: "bigint", nullable: false),
                    household_id = table.Column<long>(type: "bigint", nullable: true),
                    lease_year = table.Column<int>(type: "integer", nullable: false),
                    period_start = table.Column<DateOnly>(type: "date", nullable: false),
                    period_end = table.Column<DateOnly>(type: "date", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    paid_fen = table.Column<long>(type: "bigint", nullable: false),
                    overdue_date = table.Column<DateOnly>(type: "date", nullable: true),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rent_dues", x => x.id);
                    table.CheckConstraint("ck_rent_dues_paid", "paid_fen BETWEEN 0 AND amount_fen");
                    table.ForeignKey(
                        name: "fk_rent_dues_land_contracts_contract_id",
                        column: x => x.contract_id,
                        principalTable: "land_contracts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contact_help_items",
                columns: table => new
                {
                    record_id = table.Column<long>(type: "bigint", nullable: false),
                    position = table.Column<short>(type: "smallint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_help_items", x => new { x.record_id, x.position });
                    table.CheckConstraint("ck_contact_help_items_amount", "amount_fen BETWEEN 0 AND 100000000");
                    table.ForeignKey(
                        name: "fk_contact_help_items_contact_records_record_id",
                        column: x => x.record_id,
                        principalTable: "contact_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contact_occasions",
                columns: table => new
                {
                    record_id = table.Column<long>(type: "bigint", nullable: false),
                    position = table.Column<short>(type: "smallint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    reference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_occasions", x => new { x.record_id, x.position });
                    table.ForeignKey(
                        name: "fk_contact_occasions_contact_records_record_id",
                        column: x => x.record_id,
                        principalTable: "contact_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contact_photos",
                columns: table => new
                {
                    record_id = table.Column<long>(type: "bigint", nullable: false),
                    number = table.Column<short>(type: "smallint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    content_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    size_bytes = table.Column<int>(type: "integer", nullable: false),
                    width = table.Column<int>(type: "integer", nullable: false),
                    height = table.Column<int>(type: "integer", nullable: false),
                    location_removed = table.Column<bool>(type: "boolean", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_photos", x => new { x.record_id, x.number });
                    table.CheckConstraint("ck_contact_photos_size", "size_bytes = octet_length(content) AND width > 0 AND height > 0");
                    table.ForeignKey(
                        name: "fk_contact_photos_contact_records_record_id",
                        column: x => x.record_id,
                        principalTable: "contact_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contact_record_revisions",
                columns: table => new
                {
                    record_id = table.Column<long>(type: "bigint", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    content = table.Column<string>(type: "jsonb", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_record_revisions", x => new { x.record_id, x.revision });
                    table.ForeignKey(
                        name: "fk_contact_record_revisions_contact_records_record_id",
                        column: x => x.record_id,
                        principalTable: "contact_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "dividend_payments",
                columns: table => new
                {
                    ledger_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    loan_id = table.Column<long>(type: "bigint", nullable: false),
                    paid_date = table.Column<DateOnly>(type: "date", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    recorded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dividend_payments", x => x.ledger_id);
                    table.CheckConstraint("ck_dividend_payments_amount", "amount_fen > 0");
                    table.ForeignKey(
                        name: "fk_dividend_payments_loans_loan_id",
                        column: x => x.loan_id,
                        principalTable: "loans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_dividend_payments_subsidy_ledger_ledger_id",
                        column: x => x.ledger_id,
                        principalTable: "subsidy_ledger",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "rent_payments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    due_id = table.Column<long>(type: "bigint", nullable: false),
                    county_id = table.Column<int>(type: "integer", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    paid_date = table.Column<DateOnly>(type: "date", nullable: false),
                    recorded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    create_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rent_payments", x => x.id);
                    table.CheckConstraint("ck_rent_payments_amount", "amount_fen > 0");
                    table.ForeignKey(
                        name: "fk_rent_payments_rent_dues_due_id",
                        column: x => x.due_id,
                        principalTable: "rent_dues",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_base_employments_cooperative_id_period_end",
                table: "base_employments",
                columns: new[] { "cooperative_id", "period_end" });

            migrationBuilder.CreateIndex(
                name: "ix_base_employments_household_id",
                table: "base_employments",
                column: "household_id");

            migrationBuilder.CreateIndex(
                name: "ix_base_employments_village_id_period_end",
                table: "base_employments",
                columns: new[] { "village_id", "period_end" });

            migrationBuilder.CreateIndex(
                name: "ix_cadres_county_id",
                table: "cadres",
                column: "county_id");

            migrationBuilder.CreateIndex(
                name: "ix_cadres_linked_town_id_id",
                table: "cadres",
                columns: new[] { "linked_town_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cadres_linked_village_id_id",
                table: "cadres",
                columns: new[] { "linked_village_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_change_events_county_id_id",
                table: "change_events",
                columns: new[] { "county_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_compliance_alerts_county_id_as_of",
                table: "compliance_alerts",
                columns: new[] { "county_id", "as_of" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_card_issues_cadre_id_id",
                table: "contact_card_issues",
                columns: new[] { "cadre_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_card_issues_county_id_id",
                table: "contact_card_issues",
                columns: new[] { "county_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_card_issues_household_id_issue_date",
                table: "contact_card_issues",
                columns: new[] { "household_id", "issue_date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_contact_card_issues_pairing_id",
                table: "contact_card_issues",
                column: "pairing_id");

            migrationBuilder.CreateIndex(
                name: "ix_contact_card_issues_town_id_id",
                table: "contact_card_issues",
                columns: new[] { "town_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_occasions_county_id_kind_record_id",
                table: "contact_occasions",
                columns: new[] { "county_id", "kind", "record_id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_records_cadre_id_occur_date",
                table: "contact_records",
                columns: new[] { "cadre_id", "occur_date" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_records_county_id_id",
                table: "contact_records",
                columns: new[] { "county_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_records_county_occur_date",
                table: "contact_records",
                columns: new[] { "county_id", "occur_date" })
                .Annotation("Npgsql:IndexInclude", new[] { "pairing_id", "kind", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_records_household_id_id",
                table: "contact_records",
                columns: new[] { "household_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_records_pairing_id",
                table: "contact_records",
                column: "pairing_id");

            migrationBuilder.CreateIndex(
                name: "ix_contact_records_town_id_id",
                table: "contact_records",
                columns: new[] { "town_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_records_town_occur_date",
                table: "contact_records",
                columns: new[] { "town_id", "occur_date" })
                .Annotation("Npgsql:IndexInclude", new[] { "pairing_id", "kind", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cooperative_members_household_id",
                table: "cooperative_members",
                column: "household_id");

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_county_id_id",
                table: "cooperatives",
                columns: new[] { "county_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_linkage_id",
                table: "cooperatives",
                column: "linkage_id");

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_village_id_display_name",
                table: "cooperatives",
                columns: new[] { "village_id", "display_name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_project_id_id",
                table: "deliveries",
                columns: new[] { "project_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_dividend_payments_county_id_loan_id",
                table: "dividend_payments",
                columns: new[] { "county_id", "loan_id" });

            migrationBuilder.CreateIndex(
                name: "ix_dividend_payments_loan_id",
                table: "dividend_payments",
                column: "loan_id");

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_status_changes_enterprise_id_id",
                table: "enterprise_status_changes",
                columns: new[] { "enterprise_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_enterprises_county_id",
                table: "enterprises",
                column: "county_id");

            migrationBuilder.CreateIndex(
                name: "ix_enterprises_credit_code",
                table: "enterprises",
                column: "credit_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_enterprises_town_id_id",
                table: "enterprises",
                columns: new[] { "town_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_help_plans_county_id_year_id",
                table: "help_plans",
                columns: new[] { "county_id", "year", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_help_plans_household_id_year",
                table: "help_plans",
                columns: new[] { "household_id", "year" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_help_plans_town_id_id",
                table: "help_plans",
                columns: new[] { "town_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_household_events_county_id_event_date",
                table: "household_events",
                columns: new[] { "county_id", "event_date" });

            migrationBuilder.CreateIndex(
                name: "ix_household_events_household_id_id",
                table: "household_events",
                columns: new[] { "household_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_household_events_town_id_event_date",
                table: "household_events",
                columns: new[] { "town_id", "event_date" });

            migrationBuilder.CreateIndex(
                name: "ix_household_exits_county_id_county_confirm_date",
                table: "household_exits",
                columns: new[] { "county_id", "county_confirm_date" },
                filter: "state = 3");

            migrationBuilder.CreateIndex(
                name: "ix_household_exits_county_id_state_id",
                table: "household_exits",
                columns: new[] { "county_id", "state", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_household_exits_open",
                table: "household_exits",
                column: "household_id",
                unique: true,
                filter: "state <> 3");

            migrationBuilder.CreateIndex(
                name: "ux_household_members_id_card_live",
                table: "household_members",
                column: "id_card_hash",
                unique: true,
                filter: "NOT household_deleted");

            migrationBuilder.CreateIndex(
                name: "ix_household_status_changes_household_id_id",
                table: "household_status_changes",
                columns: new[] { "household_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_households_uncovered",
                table: "households",
                column: "id",
                filter: "delete_time IS NULL AND NOT is_paired AND status IN (1, 3)");

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_create_time",
                table: "idempotency_keys",
                column: "create_time");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_enterprise_id_id",
                table: "jobs",
                columns: new[] { "enterprise_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_town_id",
                table: "jobs",
                column: "town_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_village_id",
                table: "jobs",
                column: "village_id");

            migrationBuilder.CreateIndex(
                name: "ix_land_contracts_cooperative_id_id",
                table: "land_contracts",
                columns: new[] { "cooperative_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_land_contracts_county_id_last_day",
                table: "land_contracts",
                columns: new[] { "county_id", "last_day" });

            migrationBuilder.CreateIndex(
                name: "ix_land_contracts_household_id",
                table: "land_contracts",
                column: "household_id");

            migrationBuilder.CreateIndex(
                name: "ix_land_contracts_village_id_last_day",
                table: "land_contracts",
                columns: new[] { "village_id", "last_day" });

            migrationBuilder.CreateIndex(
                name: "ix_lenders_county_id_display_name",
                table: "lenders",
                columns: new[] { "county_id", "display_name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_linkage_participants_enterprise_id_linkage_id",
                table: "linkage_participants",
                columns: new[] { "enterprise_id", "linkage_id" });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_status_changes_linkage_id_id",
                table: "linkage_status_changes",
                columns: new[] { "linkage_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_targets_town_id_linkage_id",
                table: "linkage_targets",
                columns: new[] { "town_id", "linkage_id" });

            migrationBuilder.CreateIndex(
                name: "ux_linkage_targets_household_exclusive",
                table: "linkage_targets",
                column: "household_id",
                unique: true,
                filter: "exclusive_hold AND household_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_linkage_targets_village_exclusive",
                table: "linkage_targets",
                column: "village_id",
                unique: true,
                filter: "exclusive_hold AND village_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_linkages_county_id",
                table: "linkages",
                column: "county_id");

            migrationBuilder.CreateIndex(
                name: "ix_linkages_lead_enterprise_id_id",
                table: "linkages",
                columns: new[] { "lead_enterprise_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_loan_events_loan_id_id",
                table: "loan_events",
                columns: new[] { "loan_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_loan_interest_dues_county_id_id",
                table: "loan_interest_dues",
                columns: new[] { "county_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_loan_interest_dues_loan_id_period_end",
                table: "loan_interest_dues",
                columns: new[] { "loan_id", "period_end" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_loan_interest_dues_payer_enterprise_id_id",
                table: "loan_interest_dues",
                columns: new[] { "payer_enterprise_id", "id" },
                filter: "payer_enterprise_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_loan_schemes_county_id_display_name",
                table: "loan_schemes",
                columns: new[] { "county_id", "display_name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_loans_guarantor_id_id",
                table: "loans",
                columns: new[] { "guarantor_id", "id" },
                filter: "guarantor_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_loans_household_id_id",
                table: "loans",
                columns: new[] { "household_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_loans_household_id_member_id",
                table: "loans",
                columns: new[] { "household_id", "member_id" });

            migrationBuilder.CreateIndex(
                name: "ix_loans_lender_id_id",
                table: "loans",
                columns: new[] { "lender_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_loans_scheme_id_id",
                table: "loans",
                columns: new[] { "scheme_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_loans_town_id_id",
                table: "loans",
                columns: new[] { "town_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_loans_lender_contract",
                table: "loans",
                columns: new[] { "lender_id", "contract_number" },
                unique: true,
                filter: "contract_number IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_loans_live_household_scheme",
                table: "loans",
                columns: new[] { "household_id", "scheme_id" },
                unique: true,
                filter: "state IN (1, 2, 4, 6)");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_pending",
                table: "notifications",
                column: "id",
                filter: "delivery_state = 1");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_recipient_county_id_recipient_role_id",
                table: "notifications",
                columns: new[] { "recipient_county_id", "recipient_role", "id" },
                filter: "recipient_role IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_recipient_enterprise_id_id",
                table: "notifications",
                columns: new[] { "recipient_enterprise_id", "id" },
                filter: "recipient_enterprise_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_recipient_user_id_id",
                table: "notifications",
                columns: new[] { "recipient_user_id", "id" },
                filter: "recipient_user_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_oidc_applications_client_id",
                table: "oidc_applications",
                column: "client_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_oidc_authorizations_application_id_status_subject_type",
                table: "oidc_authorizations",
                columns: new[] { "application_id", "status", "subject", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_oidc_scopes_name",
                table: "oidc_scopes",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_oidc_tokens_application_id_status_subject_type",
                table: "oidc_tokens",
                columns: new[] { "application_id", "status", "subject", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_oidc_tokens_authorization_id",
                table: "oidc_tokens",
                column: "authorization_id");

            migrationBuilder.CreateIndex(
                name: "ix_oidc_tokens_reference_id",
                table: "oidc_tokens",
                column: "reference_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_operations_started_by_id",
                table: "operations",
                columns: new[] { "started_by", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_pairing_proposals_county_id",
                table: "pairing_proposals",
                column: "county_id");

            migrationBuilder.CreateIndex(
                name: "ix_pairings_cadre_id_id",
                table: "pairings",
                columns: new[] { "cadre_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_pairings_contact_card_number",
                table: "pairings",
                column: "contact_card_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_pairings_household_id_id",
                table: "pairings",
                columns: new[] { "household_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_pairings_active_household",
                table: "pairings",
                column: "household_id",
                unique: true,
                filter: "end_date IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_payment_batches_county_id",
                table: "payment_batches",
                column: "county_id");

            migrationBuilder.CreateIndex(
                name: "ix_placements_county_id_start_date",
                table: "placements",
                columns: new[] { "county_id", "start_date" });

            migrationBuilder.CreateIndex(
                name: "ix_placements_enterprise_id_id",
                table: "placements",
                columns: new[] { "enterprise_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_placements_job_id_id",
                table: "placements",
                columns: new[] { "job_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_placements_active_member",
                table: "placements",
                columns: new[] { "household_id", "member_id" },
                unique: true,
                filter: "end_date IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_problems_assignee_town_id",
                table: "problems",
                column: "assignee_town_id");

            migrationBuilder.CreateIndex(
                name: "ix_problems_county_id_deadline",
                table: "problems",
                columns: new[] { "county_id", "deadline" },
                filter: "state <> 3");

            migrationBuilder.CreateIndex(
                name: "ix_problems_county_id_id",
                table: "problems",
                columns: new[] { "county_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_problems_household_id_raised_date",
                table: "problems",
                columns: new[] { "household_id", "raised_date" });

            migrationBuilder.CreateIndex(
                name: "ix_problems_town_id_id",
                table: "problems",
                columns: new[] { "town_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_projects_enterprise_id_id",
                table: "projects",
                columns: new[] { "enterprise_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_projects_village_id",
                table: "projects",
                column: "village_id");

            migrationBuilder.CreateIndex(
                name: "ix_relapse_measures_watch_id",
                table: "relapse_measures",
                column: "watch_id");

            migrationBuilder.CreateIndex(
                name: "ix_relapse_triggers_county_id_trigger_date",
                table: "relapse_triggers",
                columns: new[] { "county_id", "trigger_date" })
                .Annotation("Npgsql:IndexInclude", new[] { "household_id", "town_id" });

            migrationBuilder.CreateIndex(
                name: "ix_relapse_triggers_watch_id",
                table: "relapse_triggers",
                column: "watch_id");

            migrationBuilder.CreateIndex(
                name: "ix_relapse_watches_county_id_state_id",
                table: "relapse_watches",
                columns: new[] { "county_id", "state", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_relapse_watches_open",
                table: "relapse_watches",
                column: "household_id",
                unique: true,
                filter: "state = 1");

            migrationBuilder.CreateIndex(
                name: "ix_rent_dues_contract_id_lease_year",
                table: "rent_dues",
                columns: new[] { "contract_id", "lease_year" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rent_dues_cooperative_id_due_date_id",
                table: "rent_dues",
                columns: new[] { "cooperative_id", "due_date", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_rent_dues_open",
                table: "rent_dues",
                columns: new[] { "county_id", "due_date" },
                filter: "paid_fen < amount_fen AND overdue_date IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_rent_dues_village_id_due_date",
                table: "rent_dues",
                columns: new[] { "village_id", "due_date" });

            migrationBuilder.CreateIndex(
                name: "ix_rent_payments_due_id",
                table: "rent_payments",
                column: "due_id");

            migrationBuilder.CreateIndex(
                name: "ix_risk_fund_entries_lender_id_id",
                table: "risk_fund_entries",
                columns: new[] { "lender_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_risk_fund_entries_loan_id",
                table: "risk_fund_entries",
                column: "loan_id",
                unique: true,
                filter: "loan_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_role_claims_role_id",
                table: "role_claims",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "role_name_index",
                table: "roles",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_statement_lines_project_id",
                table: "statement_lines",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_statement_supersessions_new_statement_id",
                table: "statement_supersessions",
                column: "new_statement_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_statements_county_id_year_sequence",
                table: "statements",
                columns: new[] { "county_id", "year", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_statements_enterprise_id_year",
                table: "statements",
                columns: new[] { "enterprise_id", "year" });

            migrationBuilder.CreateIndex(
                name: "ix_statements_number",
                table: "statements",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subsidy_ledger_batch_id_id",
                table: "subsidy_ledger",
                columns: new[] { "batch_id", "id" },
                filter: "batch_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_subsidy_ledger_corrects_id",
                table: "subsidy_ledger",
                column: "corrects_id",
                filter: "corrects_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_subsidy_ledger_county_id_kind_status_id",
                table: "subsidy_ledger",
                columns: new[] { "county_id", "kind", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_subsidy_ledger_payee_kind_payee_id_kind_accrual_date",
                table: "subsidy_ledger",
                columns: new[] { "payee_kind", "payee_id", "kind", "accrual_date" });

            migrationBuilder.CreateIndex(
                name: "ix_subsidy_ledger_placement_id",
                table: "subsidy_ledger",
                column: "placement_id");

            migrationBuilder.CreateIndex(
                name: "ux_subsidy_ledger_dividend",
                table: "subsidy_ledger",
                columns: new[] { "county_id", "loan_id", "accrual_date" },
                unique: true,
                filter: "kind = 3 AND corrects_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_subsidy_ledger_employment",
                table: "subsidy_ledger",
                columns: new[] { "county_id", "placement_id", "milestone_months" },
                unique: true,
                filter: "kind = 1 AND corrects_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_subsidy_ledger_interest",
                table: "subsidy_ledger",
                columns: new[] { "county_id", "loan_id", "accrual_date" },
                unique: true,
                filter: "kind = 2 AND corrects_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_towns_county_id_display_name",
                table: "towns",
                columns: new[] { "county_id", "display_name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_user_claims_user_id",
                table: "user_claims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_logins_user_id",
                table: "user_logins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_roles_role_id",
                table: "user_roles",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "email_index",
                table: "users",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "user_name_index",
                table: "users",
                column: "normalized_user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_village_assignments_cadre_id",
                table: "village_assignments",
                column: "cadre_id");

            migrationBuilder.CreateIndex(
                name: "ix_village_assignments_county_id_id",
                table: "village_assignments",
                columns: new[] { "county_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_village_assignments_village_id_start_date",
                table: "village_assignments",
                columns: new[] { "village_id", "start_date" });

            migrationBuilder.CreateIndex(
                name: "ix_village_exits_county_id_state_id",
                table: "village_exits",
                columns: new[] { "county_id", "state", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_village_exits_open",
                table: "village_exits",
                column: "village_id",
                unique: true,
                filter: "state <> 3");

            migrationBuilder.CreateIndex(
                name: "ix_villages_county_id",
                table: "villages",
                column: "county_id");

            migrationBuilder.CreateIndex(
                name: "ix_villages_town_id_display_name",
                table: "villages",
                columns: new[] { "town_id", "display_name" },
                unique: true);

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Boyi.Infrastructure.Statements.StatementSchema.DropSql);
            migrationBuilder.Sql(Boyi.Infrastructure.Compliance.ContactTalliesSchema.DropSql);
            migrationBuilder.Sql(Boyi.Infrastructure.Commendations.CommendationSchema.DropSql);
            migrationBuilder.Sql(Boyi.Infrastructure.Subsidies.SubsidyLedgerSchema.DropSql);
            migrationBuilder.Sql(Boyi.Infrastructure.Audit.AuditSchema.DropSql);
            migrationBuilder.Sql("ALTER TABLE households DROP CONSTRAINT fk_households_villages_village_id");

            migrationBuilder.DropTable(
                name: "base_employments");

            migrationBuilder.DropTable(
                name: "change_events");

            migrationBuilder.DropTable(
                name: "compliance_alerts");

            migrationBuilder.DropTable(
                name: "contact_card_issues");

            migrationBuilder.DropTable(
                name: "contact_help_items");

            migrationBuilder.DropTable(
                name: "contact_occasions");

            migrationBuilder.DropTable(
                name: "contact_photos");

            migrationBuilder.DropTable(
                name: "contact_record_revisions");

            migrationBuilder.DropTable(
                name: "contact_tallies");

            migrationBuilder.DropTable(
                name: "cooperative_members");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "deliveries");

            migrationBuilder.DropTable(
                name: "dividend_payments");

            migrationBuilder.DropTable(
                name: "duty_policy_revisions");

            migrationBuilder.DropTable(
                name: "employment_subsidy_schemes");

            migrationBuilder.DropTable(
                name: "enterprise_status_changes");

            migrationBuilder.DropTable(
                name: "exit_targets");

            migrationBuilder.DropTable(
                name: "help_plan_items");

            migrationBuilder.DropTable(
                name: "help_plan_revisions");

            migrationBuilder.DropTable(
                name: "household_events");

            migrationBuilder.DropTable(
                name: "household_exits");

            migrationBuilder.DropTable(
                name: "household_status_changes");

            migrationBuilder.DropTable(
                name: "id_counters");

            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropTable(
                name: "job_runs");

            migrationBuilder.DropTable(
                name: "linkage_participants");

            migrationBuilder.DropTable(
                name: "linkage_status_changes");

            migrationBuilder.DropTable(
                name: "linkage_targets");

            migrationBuilder.DropTable(
                name: "loan_events");

            migrationBuilder.DropTable(
                name: "loan_interest_dues");

            migrationBuilder.DropTable(
                name: "loan_scheme_subsidy_shares");

            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropTable(
                name: "oidc_scopes");

            migrationBuilder.DropTable(
                name: "oidc_tokens");

            migrationBuilder.DropTable(
                name: "operations");

            migrationBuilder.DropTable(
                name: "pairing_proposals");

            migrationBuilder.DropTable(
                name: "payment_batch_exports");

            migrationBuilder.DropTable(
                name: "prepared_write_decisions");

            migrationBuilder.DropTable(
                name: "problem_revisions");

            migrationBuilder.DropTable(
                name: "quota_rules");

            migrationBuilder.DropTable(
                name: "relapse_measures");

            migrationBuilder.DropTable(
                name: "relapse_monitoring_lines");

            migrationBuilder.DropTable(
                name: "relapse_triggers");

            migrationBuilder.DropTable(
                name: "rent_payments");

            migrationBuilder.DropTable(
                name: "risk_fund_entries");

            migrationBuilder.DropTable(
                name: "role_claims");

            migrationBuilder.DropTable(
                name: "statement_lines");

            migrationBuilder.DropTable(
                name: "statement_supersessions");

            migrationBuilder.DropTable(
                name: "user_claims");

            migrationBuilder.DropTable(
                name: "user_logins");

            migrationBuilder.DropTable(
                name: "user_roles");

            migrationBuilder.DropTable(
                name: "user_tokens");

            migrationBuilder.DropTable(
                name: "village_assignments");

            migrationBuilder.DropTable(
                name: "village_exits");

            migrationBuilder.DropTable(
                name: "contact_records");

            migrationBuilder.DropTable(
                name: "subsidy_ledger");

            migrationBuilder.DropTable(
                name: "help_plans");

            migrationBuilder.DropTable(
                name: "oidc_authorizations");

            migrationBuilder.DropTable(
                name: "problems");

            migrationBuilder.DropTable(
                name: "relapse_watches");

            migrationBuilder.DropTable(
                name: "rent_dues");

            migrationBuilder.DropTable(
                name: "loans");

            migrationBuilder.DropTable(
                name: "projects");

            migrationBuilder.DropTable(
                name: "statements");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "pairings");

            migrationBuilder.DropTable(
                name: "payment_batches");

            migrationBuilder.DropTable(
                name: "placements");

            migrationBuilder.DropTable(
                name: "oidc_applications");

            migrationBuilder.DropTable(
                name: "land_contracts");

            migrationBuilder.DropTable(
                name: "lenders");

            migrationBuilder.DropTable(
                name: "loan_schemes");

            migrationBuilder.DropTable(
                name: "cadres");

            migrationBuilder.DropTable(
                name: "household_members");

            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "cooperatives");

            migrationBuilder.DropTable(
                name: "households");

            migrationBuilder.DropTable(
                name: "linkages");

            migrationBuilder.DropTable(
                name: "villages");

            migrationBuilder.DropTable(
                name: "enterprises");

            migrationBuilder.DropTable(
                name: "towns");

            migrationBuilder.DropTable(
                name: "counties");
        }
    }
}
