using System.Text.RegularExpressions;

namespace Boyi.Infrastructure.Audit;

/// <summary>
/// The DDL of the audit log (MLPS 2.0 level 3 / PIPL): an append-only, hash-chained table of audit events,
/// the checkpoints that let old events be purged without breaking the chain, the triggers that refuse every
/// change except sealing, and the grants of the application role.
/// </summary>
/// <remarks>
/// <para><b>Roles.</b> The privileges bind only if the server connects as a role that does not own these
/// tables: migrations (and <see cref="AuditRetention.PurgeOlderThanAsync"/>) run as the <i>owner</i> role; the
/// application connects as the <i>app</i> role, which <see cref="GrantToAppRoleSql"/> gives INSERT (of the
/// event columns only) and SELECT on <c>audit_events</c>, SELECT on <c>audit_checkpoints</c>, and EXECUTE on
/// <c>audit_seal</c> — no UPDATE, DELETE or TRUNCATE. A superuser, the owner, or any member of the owner role
/// bypasses those grants (and the owner can disable the triggers), so the app role must be none of these.</para>
/// <para><b>Triggers</b> are defence in depth, also against the owner's mistakes: an event is inserted unsealed;
/// an UPDATE is allowed only to seal an unsealed event (set <c>chain_seq</c>, <c>prev_hash</c>, <c>hash</c> once,
/// nothing else, and only so that it correctly extends the chain); DELETE only of sealed events already covered
/// by a checkpoint, in a transaction that declared a purge; TRUNCATE never. Checkpoints are insert-only and must
/// name an existing event and its hash. What makes tampering <i>evident</i> is the hash chain, which
/// <see cref="AuditVerifier"/> checks: someone able to disable triggers can change rows but not without breaking it.</para>
/// <para><b>Sealing</b> happens in <c>audit_seal(max_events)</c>, a SECURITY DEFINER function owned by the owner,
/// so the app role needs no UPDATE privilege at all. See <see cref="AuditSealer"/> for why the chain is in seal order.</para>
/// <para>All objects are created in the <c>public</c> schema (as is the rest of Boyi); the functions pin
/// <c>search_path</c> to <c>public, pg_temp</c>.</para>
/// </remarks>
public static class AuditSchema
{
    /// <summary>The transaction-level advisory lock sealing and purging take (one sealer at a time, across instances).</summary>
    public const long ChainLockKey = 0x426F_7969_4175_6431;   // "BoyiAud1"

    /// <summary>The setting a purging transaction sets (<c>SET LOCAL</c>) so the delete trigger lets covered events go.</summary>
    public const string PurgeSetting = "boyi.audit_purge";

    /// <summary>The SQLSTATE of every refusal by the append-only triggers (PL/pgSQL's <c>raise_exception</c>).</summary>
    public const string RefusedSqlState = "P0001";

    /// <summary>Columns an application inserts; everything else is set by the database.</summary>
    public const string InsertableColumns =
        "occurred_at, actor, actor_kind, action, object, outcome, request_id, client_address, detail";

    /// <summary>
    /// Creates the tables, indexes, functions and triggers. Run once, as the owner role, in a migration
    /// (<c>migrationBuilder.Sql(AuditSchema.CreateSql)</c>). It revokes everything from PUBLIC; the app role's
    /// grants come from <see cref="GrantToAppRoleSql"/>.
    /// </summary>
    public const string CreateSql = """
        -- One row per audited fact. Events are inserted unsealed (chain_seq, prev_hash, hash NULL) in the transaction
        -- of the write they record; audit_seal() later gives each its position in the chain and its hash, once.
        CREATE TABLE audit_events (
            id              bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME audit_events_id_seq) PRIMARY KEY,
            occurred_at     timestamptz NOT NULL,
            actor           text COLLATE "C" NOT NULL,
            actor_kind      text COLLATE "C" NOT NULL,
            action          text COLLATE "C" NOT NULL,
            object          text COLLATE "C" NOT NULL DEFAULT '',
            outcome         text COLLATE "C" NOT NULL,
            request_id      text COLLATE "C" NOT NULL DEFAULT '',
            client_address  text COLLATE "C" NOT NULL DEFAULT '',
            detail          jsonb NOT NULL DEFAULT '{}',
            chain_seq       bigint,
            prev_hash       bytea,
            hash            bytea,
            CONSTRAINT ck_audit_events_occurred_at CHECK (occurred_at >= '2000-01-01 00:00:00+00' AND occurred_at < '9000-01-01 00:00:00+00'),
            CONSTRAINT ck_audit_events_actor_kind CHECK (actor_kind IN ('user', 'client', 'anonymous', 'system')),
            CONSTRAINT ck_audit_events_action CHECK (action <> ''),
            CONSTRAINT ck_audit_events_outcome CHECK (outcome <> ''),
            CONSTRAINT ck_audit_events_detail CHECK (jsonb_typeof(detail) = 'object'),
            CONSTRAINT ck_audit_events_seal CHECK (
                (chain_seq IS NULL AND prev_hash IS NULL AND hash IS NULL)
                OR (chain_seq > 0 AND octet_length(prev_hash) = 32 AND octet_length(hash) = 32))
        );
        CREATE UNIQUE INDEX ux_audit_events_chain_seq ON audit_events (chain_seq) WHERE chain_seq IS NOT NULL;
        CREATE INDEX ix_audit_events_unsealed ON audit_events (id) WHERE chain_seq IS NULL;
        CREATE INDEX ix_audit_events_occurred_at ON audit_events (occurred_at);
        CREATE INDEX ix_audit_events_actor ON audit_events (actor, id);
        CREATE INDEX ix_audit_events_action ON audit_events (action, id);
        CREATE INDEX ix_audit_events_object ON audit_events (object, id) WHERE object <> '';

        -- Written by a purge before it deletes events: the last removed position and hash, where verification restarts.
        CREATE TABLE audit_checkpoints (
            id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            created_at      timestamptz NOT NULL DEFAULT now(),
            last_seq        bigint NOT NULL,
            last_hash       bytea NOT NULL,
            removed_events  bigint NOT NULL,
            cutoff          timestamptz NOT NULL,
            archive         text NOT NULL DEFAULT '',
            CONSTRAINT ck_audit_checkpoints_hash CHECK (octet_length(last_hash) = 32),
            CONSTRAINT ux_audit_checkpoints_last_seq UNIQUE (last_seq)
        );

        -- The canonical encoding (see AuditChain): a field is its UTF-8 bytes prefixed by their length (4 bytes, big-endian).
        CREATE FUNCTION audit_field(text) RETURNS bytea
            LANGUAGE sql STABLE STRICT PARALLEL SAFE
            AS $$ SELECT int4send(octet_length(convert_to($1, 'UTF8'))) || convert_to($1, 'UTF8') $$;

        -- hash = SHA-256(prev_hash || fields), the fields in this order; AuditChain.ComputeHash is the same in C#.
        CREATE FUNCTION audit_event_hash(bytea, bigint, audit_events) RETURNS bytea
            LANGUAGE sql STABLE PARALLEL SAFE SET search_path = public, pg_temp
            AS $$ SELECT sha256($1
                || audit_field('boyi.audit.v1')
                || audit_field($2::text)
                || audit_field(($3).id::text)
                || audit_field(to_char(($3).occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                || audit_field(($3).actor_kind)
                || audit_field(($3).actor)
                || audit_field(($3).action)
                || audit_field(($3).object)
                || audit_field(($3).outcome)
                || audit_field(($3).request_id)
                || audit_field(($3).client_address)
                || audit_field(($3).detail::text)) $$;

        CREATE FUNCTION audit_events_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.chain_seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
                RAISE EXCEPTION 'audit_events is append-only: an event is inserted unsealed (audit_seal sets chain_seq, prev_hash, hash)';
            END IF;
            RETURN NEW;
        END $$;

        -- The one update allowed: sealing an unsealed event, changing nothing else, extending the chain correctly.
        CREATE FUNCTION audit_events_before_update() RETURNS trigger
            LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
        DECLARE
            v_prev bytea;
        BEGIN
            IF OLD.chain_seq IS NOT NULL OR OLD.prev_hash IS NOT NULL OR OLD.hash IS NOT NULL THEN
                RAISE EXCEPTION 'audit_events is append-only: event % is sealed and cannot change', OLD.id;
            END IF;
            IF NEW.chain_seq IS NULL OR NEW.prev_hash IS NULL OR NEW.hash IS NULL
               OR (to_jsonb(NEW) - 'chain_seq' - 'prev_hash' - 'hash') IS DISTINCT FROM (to_jsonb(OLD) - 'chain_seq' - 'prev_hash' - 'hash') THEN
                RAISE EXCEPTION 'audit_events is append-only: event % may only be sealed (chain_seq, prev_hash and hash, set once)', OLD.id;
            END IF;
            IF NEW.chain_seq = 1 THEN
                v_prev := decode(repeat('00', 32), 'hex');
            ELSE
                SELECT a.hash INTO v_prev FROM audit_events a WHERE a.chain_seq = NEW.chain_seq - 1;
                IF v_prev IS NULL THEN
                    SELECT c.last_hash INTO v_prev FROM audit_checkpoints c WHERE c.last_seq = NEW.chain_seq - 1;
                END IF;
            END IF;
            IF v_prev IS NULL OR NEW.prev_hash <> v_prev OR NEW.hash <> audit_event_hash(NEW.prev_hash, NEW.chain_seq, NEW) THEN
                RAISE EXCEPTION 'audit_events is append-only: sealing event % at position % does not extend the chain', OLD.id, NEW.chain_seq;
            END IF;
            RETURN NEW;
        END $$;

        CREATE FUNCTION audit_events_before_delete() RETURNS trigger
            LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
        BEGIN
            IF coalesce(current_setting('boyi.audit_purge', true), '') <> 'on'
               OR OLD.chain_seq IS NULL
               OR OLD.chain_seq > coalesce((SELECT max(c.last_seq) FROM audit_checkpoints c), 0) THEN
                RAISE EXCEPTION 'audit_events is append-only: event % cannot be deleted (only a purge removes events covered by a checkpoint)', OLD.id;
            END IF;
            RETURN OLD;
        END $$;

        CREATE FUNCTION audit_checkpoints_before_insert() RETURNS trigger
            LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.chain_seq = NEW.last_seq AND a.hash = NEW.last_hash)
               OR NEW.last_seq <= coalesce((SELECT max(c.last_seq) FROM audit_checkpoints c), 0) THEN
                RAISE EXCEPTION 'audit_checkpoints is append-only: a checkpoint must name the hash of a sealed event after the last checkpoint';
            END IF;
            RETURN NEW;
        END $$;

        CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
        END $$;

        CREATE TRIGGER audit_events_before_insert BEFORE INSERT ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_before_insert();
        CREATE TRIGGER audit_events_before_update BEFORE UPDATE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_before_update();
        CREATE TRIGGER audit_events_before_delete BEFORE DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_before_delete();
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
        CREATE TRIGGER audit_checkpoints_before_insert BEFORE INSERT ON audit_checkpoints
            FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_before_insert();
        CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
            FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
        CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
            FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

        -- Links committed, unsealed events into the chain, oldest id first, after the current head (the last sealed
        -- event, or the last checkpoint when a purge removed every sealed event). One sealer at a time (advisory
        -- lock); every statement after the lock sees what the previous sealer committed. Runs as the owner.
        CREATE FUNCTION audit_seal(max_events integer) RETURNS integer
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            v_seq bigint := 0;
            v_hash bytea := decode(repeat('00', 32), 'hex');
            v_event_seq bigint;
            v_event_hash bytea;
            v_checkpoint_seq bigint;
            v_checkpoint_hash bytea;
            v_next bytea;
            v_event audit_events;
            v_sealed integer := 0;
        BEGIN
            IF max_events IS NULL OR max_events < 1 OR max_events > 100000 THEN
                RAISE EXCEPTION 'audit_seal: max_events must be between 1 and 100000';
            END IF;
            PERFORM pg_advisory_xact_lock(4787178421894865969);
            SELECT a.chain_seq, a.hash INTO v_event_seq, v_event_hash
                FROM audit_events a WHERE a.chain_seq IS NOT NULL ORDER BY a.chain_seq DESC LIMIT 1;
            SELECT c.last_seq, c.last_hash INTO v_checkpoint_seq, v_checkpoint_hash
                FROM audit_checkpoints c ORDER BY c.last_seq DESC LIMIT 1;
            IF v_event_seq IS NOT NULL AND (v_checkpoint_seq IS NULL OR v_event_seq > v_checkpoint_seq) THEN
                v_seq := v_event_seq;
                v_hash := v_event_hash;
            ELSIF v_checkpoint_seq IS NOT NULL THEN
                v_seq := v_checkpoint_seq;
                v_hash := v_checkpoint_hash;
            END IF;
            FOR v_event IN
                SELECT * FROM audit_events a WHERE a.chain_seq IS NULL ORDER BY a.id LIMIT max_events
            LOOP
                v_seq := v_seq + 1;
                v_next := audit_event_hash(v_hash, v_seq, v_event);
                UPDATE audit_events SET chain_seq = v_seq, prev_hash = v_hash, hash = v_next WHERE id = v_event.id;
                v_hash := v_next;
                v_sealed := v_sealed + 1;
            END LOOP;
            RETURN v_sealed;
        END $$;

        REVOKE ALL ON TABLE audit_events, audit_checkpoints FROM PUBLIC;
        REVOKE ALL ON SEQUENCE audit_events_id_seq FROM PUBLIC;
        REVOKE ALL ON FUNCTION audit_seal(integer) FROM PUBLIC;
        """;

    /// <summary>Removes the audit log entirely (a migration's Down). It destroys the evidence: never run it on a real database.</summary>
    public const string DropSql = """
        -- CASCADE also drops audit_event_hash, whose argument is the row type of audit_events.
        DROP TABLE IF EXISTS audit_checkpoints, audit_events CASCADE;
        DROP FUNCTION IF EXISTS audit_seal(integer), audit_events_before_insert(), audit_events_before_update(),
            audit_events_before_delete(), audit_checkpoints_before_insert(), audit_refuse_change(), audit_field(text);
        """;

    private static readonly Regex RoleName = new("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Hands the audit objects to <paramref name="ownerRole"/> and gives <paramref name="appRole"/> exactly what the
    /// application needs: INSERT of the event columns and SELECT on <c>audit_events</c>, SELECT on
    /// <c>audit_checkpoints</c>, EXECUTE on <c>audit_seal</c>. Everything else it might have had on them (say from an
    /// earlier <c>GRANT … ON ALL TABLES</c>) is revoked, so run this after granting the app role the other tables.
    /// The identity column needs no privilege on its sequence (PostgreSQL does not check it for identity defaults),
    /// so none is granted. Refuses an app role that is a superuser or a member of the owner role, since grants would
    /// not bind it. Run as the owner (or a superuser); both roles must exist.
    /// </summary>
    public static string GrantToAppRoleSql(string ownerRole, string appRole)
    {
        var owner = Quote(ownerRole);
        var app = Quote(appRole);
        if (string.Equals(ownerRole, appRole, StringComparison.Ordinal))
            throw new ArgumentException("The app role must not be the owner role.", nameof(appRole));
        return $"""
            DO $check$
            BEGIN
                IF (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = '{appRole}') THEN
                    RAISE EXCEPTION 'The app role {appRole} is a superuser (or bypasses RLS): grants would not bind it';
                END IF;
                IF pg_has_role('{appRole}', '{ownerRole}', 'MEMBER') THEN
                    RAISE EXCEPTION 'The app role {appRole} is a member of the owner role {ownerRole}: grants would not bind it';
                END IF;
            END $check$;
            ALTER TABLE audit_events OWNER TO {owner};
            ALTER TABLE audit_checkpoints OWNER TO {owner};
            ALTER FUNCTION audit_field(text) OWNER TO {owner};
            ALTER FUNCTION audit_event_hash(bytea, bigint, audit_events) OWNER TO {owner};
            ALTER FUNCTION audit_events_before_insert() OWNER TO {owner};
            ALTER FUNCTION audit_events_before_update() OWNER TO {owner};
            ALTER FUNCTION audit_events_before_delete() OWNER TO {owner};
            ALTER FUNCTION audit_checkpoints_before_insert() OWNER TO {owner};
            ALTER FUNCTION audit_refuse_change() OWNER TO {owner};
            ALTER FUNCTION audit_seal(integer) OWNER TO {owner};
            REVOKE ALL ON TABLE audit_events, audit_checkpoints FROM PUBLIC, {app};
            REVOKE ALL ON SEQUENCE audit_events_id_seq FROM PUBLIC, {app};
            REVOKE ALL ON FUNCTION audit_seal(integer) FROM PUBLIC;
            GRANT SELECT ON TABLE audit_events, audit_checkpoints TO {app};
            GRANT INSERT ({InsertableColumns}) ON TABLE audit_events TO {app};
            GRANT EXECUTE ON FUNCTION audit_seal(integer) TO {app};
            """;
    }

    private static string Quote(string role)
    {
        if (!RoleName.IsMatch(role))
            throw new ArgumentException($"'{role}' is not a plain role name (letters, digits, underscore; at most 63).", nameof(role));
        return "\"" + role + "\"";
    }
}
