namespace Boyi.Infrastructure.Statements;

/// <summary>
/// What the model cannot say about statements,
/// applied by the migration Initial (release 2026.12: frozen like it, so a change is new SQL in a new migration): a statement, its lines and its supersession are written once and never updated, deleted or truncated, whoever
/// connects. A correction is a new statement with a new number (<see cref="StatementStore.ReissueAsync"/>).
/// </summary>
public static class StatementSchema
{
    public const string CreateSql = """
        CREATE FUNCTION statements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is written once and never changes: reissue the statement under a new number', TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END $$;
        CREATE TRIGGER statements_immutable BEFORE UPDATE OR DELETE ON statements
            FOR EACH ROW EXECUTE FUNCTION statements_immutable();
        CREATE TRIGGER statements_no_truncate BEFORE TRUNCATE ON statements
            FOR EACH STATEMENT EXECUTE FUNCTION statements_immutable();
        CREATE TRIGGER statement_lines_immutable BEFORE UPDATE OR DELETE ON statement_lines
            FOR EACH ROW EXECUTE FUNCTION statements_immutable();
        CREATE TRIGGER statement_lines_no_truncate BEFORE TRUNCATE ON statement_lines
            FOR EACH STATEMENT EXECUTE FUNCTION statements_immutable();
        CREATE TRIGGER statement_supersessions_immutable BEFORE UPDATE OR DELETE ON statement_supersessions
            FOR EACH ROW EXECUTE FUNCTION statements_immutable();
        CREATE TRIGGER statement_supersessions_no_truncate BEFORE TRUNCATE ON statement_supersessions
            FOR EACH STATEMENT EXECUTE FUNCTION statements_immutable();
        """;

    public const string DropSql = """
        DROP TRIGGER statement_supersessions_no_truncate ON statement_supersessions;
        DROP TRIGGER statement_supersessions_immutable ON statement_supersessions;
        DROP TRIGGER statement_lines_no_truncate ON statement_lines;
        DROP TRIGGER statement_lines_immutable ON statement_lines;
        DROP TRIGGER statements_no_truncate ON statements;
        DROP TRIGGER statements_immutable ON statements;
        DROP FUNCTION statements_immutable();
        """;
}
