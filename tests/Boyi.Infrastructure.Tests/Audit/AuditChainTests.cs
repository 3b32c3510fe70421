using System.Buffers.Binary;
using System.Text;
using Boyi.Infrastructure.Audit;

namespace Boyi.Infrastructure.Tests.Audit;

/// <summary>The canonical encoding and hash, pinned to vectors computed independently (Python hashlib, struct.pack('>I')).</summary>
public sealed class AuditChainTests
{
    private static readonly AuditRecord First = new(
        1, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560), "user", "u-42",
        "boyi.v1.HouseholdService/UpdateHousehold", "households/45092310120100017", "ok",
        "0f8e5b2c-8d0a-4f5e-9a51-3c6f0e2d9b71", "10.0.0.7", """{"note": "博白", "fields": ["phone"]}""", 1, null, null);

    private static readonly AuditRecord Second = First with
    {
        Id = 7, ActorKind = "anonymous", Actor = "", Action = AuditActions.LoginFailed, Object = "",
        Outcome = "UNAUTHENTICATED:BAD_PASSWORD", RequestId = "", Detail = "{}", ChainSeq = 2,
    };

    [Fact]
    public void Hash_MatchesIndependentlyComputedVectors()
    {
        var h1 = AuditChain.ComputeHash(AuditChain.GenesisHash, 1, First);
        Assert.Equal("6360280693a502c7e7120b40ea3bb75840812194236edf4bc0f3f9a6fcbfd252", Convert.ToHexStringLower(h1));
        var h2 = AuditChain.ComputeHash(h1, 2, Second);
        Assert.Equal("fdd85b5dc52a21df081bd318a85cee960a6f7b39b4d99b1db8bfecc05e8c9ffa", Convert.ToHexStringLower(h2));
    }

    [Fact]
    public void Encoding_IsLengthPrefixedUtf8Fields_InTheDocumentedOrder()
    {
        var bytes = AuditChain.Encode(1, First);
        var fields = new List<string>();
        for (var at = 0; at < bytes.Length;)
        {
            var n = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            fields.Add(Encoding.UTF8.GetString(bytes, at + 4, n));
            at += 4 + n;
        }
        Assert.Equal(
            ["boyi.audit.v1", "1", "1", "2026-01-02T03:04:05.123456Z", "user", "u-42", "boyi.v1.HouseholdService/UpdateHousehold",
             "households/45092310120100017", "ok", "0f8e5b2c-8d0a-4f5e-9a51-3c6f0e2d9b71", "10.0.0.7", """{"note": "博白", "fields": ["phone"]}"""],
            fields);
    }

    [Fact]
    public void Encoding_SeparatesFields_SoMovingTextBetweenFieldsChangesTheHash()
    {
        var a = First with { Actor = "u-4", Action = "2" + First.Action };
        Assert.NotEqual(AuditChain.ComputeHash(AuditChain.GenesisHash, 1, First), AuditChain.ComputeHash(AuditChain.GenesisHash, 1, a));
    }

    [Fact]
    public void CheckLink_NamesGapThenPrevHashThenHash()
    {
        var h1 = AuditChain.ComputeHash(AuditChain.GenesisHash, 1, First);
        var sealedFirst = First with { PrevHash = AuditChain.GenesisHash.ToArray(), Hash = h1 };
        Assert.Null(AuditChain.CheckLink(sealedFirst, 1, AuditChain.GenesisHash));
        Assert.Equal(AuditBreakReason.Gap, AuditChain.CheckLink(sealedFirst, 2, AuditChain.GenesisHash));
        Assert.Equal(AuditBreakReason.PrevHashMismatch, AuditChain.CheckLink(sealedFirst, 1, h1));
        Assert.Equal(AuditBreakReason.HashMismatch, AuditChain.CheckLink(sealedFirst with { Outcome = "PERMISSION_DENIED" }, 1, AuditChain.GenesisHash));
    }

    [Fact]
    public void RetentionPolicy_CannotGoBelow180Days()
    {
        Assert.Equal(TimeSpan.FromDays(180), new AuditRetentionPolicy().Retention);
        Assert.Equal(TimeSpan.FromDays(365), new AuditRetentionPolicy { Retention = TimeSpan.FromDays(365) }.Retention);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuditRetentionPolicy { Retention = TimeSpan.FromDays(179) });
    }

    [Fact]
    public void Schema_SealsUnderTheDocumentedLock_AndRoleNamesAreChecked()
    {
        Assert.Contains($"pg_advisory_xact_lock({AuditSchema.ChainLockKey})", AuditSchema.CreateSql);
        Assert.Throws<ArgumentException>(() => AuditSchema.GrantToAppRoleSql("boyi", "app\"; DROP TABLE audit_events; --"));
        Assert.Throws<ArgumentException>(() => AuditSchema.GrantToAppRoleSql("boyi", "boyi"));
        Assert.Contains("GRANT INSERT (occurred_at,", AuditSchema.GrantToAppRoleSql("boyi", "boyi_app"));
    }
}
