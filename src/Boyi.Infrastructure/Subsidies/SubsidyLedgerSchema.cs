namespace Boyi.Infrastructure.Subsidies;

/// <summary>
/// What the model cannot say about the subsidy ledger,
/// applied by the migration Initial (release 2026.12: frozen like it, so a change is new SQL in a new migration): rows are never deleted; what a row pays (kind, payee, source, period, amount,
/// reason, the row it corrects) never changes once written; only its way to payment (status, batch) moves, and a
/// paid row not even that. A wrong amount is put right by a new row that corrects it.
/// </summary>
public static class SubsidyLedgerSchema
{
    public const string CreateSql = """
        CREATE FUNCTION subsidy_ledger_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                RAISE EXCEPTION 'subsidy_ledger cannot be truncated' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'subsidy_ledger row % cannot be deleted: write a correcting row', OLD.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF OLD.status = 3 THEN
                RAISE EXCEPTION 'subsidy_ledger row % is paid and never changes: write a correcting row', OLD.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF (NEW.id, NEW.county_id, NEW.kind, NEW.payee_kind, NEW.payee_id, NEW.placement_id, NEW.milestone_months,
                NEW.loan_id, NEW.accrual_date, NEW.days, NEW.interest_fen, NEW.amount_fen, NEW.reason, NEW.corrects_id,
                NEW.created_by, NEW.create_time)
               IS DISTINCT FROM
               (OLD.id, OLD.county_id, OLD.kind, OLD.payee_kind, OLD.payee_id, OLD.placement_id, OLD.milestone_months,
                OLD.loan_id, OLD.accrual_date, OLD.days, OLD.interest_fen, OLD.amount_fen, OLD.reason, OLD.corrects_id,
                OLD.created_by, OLD.create_time) THEN
                RAISE EXCEPTION 'subsidy_ledger row %: only its status and batch change; write a correcting row', OLD.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER subsidy_ledger_guard BEFORE UPDATE OR DELETE ON subsidy_ledger
            FOR EACH ROW EXECUTE FUNCTION subsidy_ledger_guard();
        CREATE TRIGGER subsidy_ledger_no_truncate BEFORE TRUNCATE ON subsidy_ledger
            FOR EACH STATEMENT EXECUTE FUNCTION subsidy_ledger_guard();
        """;

    public const string DropSql = """
        DROP TRIGGER subsidy_ledger_no_truncate ON subsidy_ledger;
        DROP TRIGGER subsidy_ledger_guard ON subsidy_ledger;
        DROP FUNCTION subsidy_ledger_guard();
        """;
}
