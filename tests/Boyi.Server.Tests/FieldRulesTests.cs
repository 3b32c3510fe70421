using Boyi.Contracts.V1;
using Boyi.Server.Validation;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Xunit.Abstractions;

namespace Boyi.Server.Tests;

/// <summary>
/// The field rules every request declares (field_rules.proto), driven from the service descriptors: every string,
/// integer and enum field of every RPC's request, however deeply nested, is sent bad values through the real server
/// by a client holding every scope, and each must be refused on that field's path. A new RPC or field is covered
/// without anyone adding it here.
/// </summary>
public sealed class FieldRulesTests(CountyFixture s, ITestOutputHelper output) : IClassFixture<CountyFixture>
{
    public static readonly ServiceDescriptor[] Services = [.. ContractServices.All];

    /// <summary>One field reachable from a request: the fields from the request down to it.</summary>
    public sealed record FieldPath(MethodDescriptor Method, IReadOnlyList<FieldDescriptor> Fields)
    {
        public FieldDescriptor Leaf => Fields[^1];

        /// <summary>The path as the server reports it: <c>household.members[0].full_name</c>.</summary>
        public string Name => string.Join('.', Fields.Select(f => f.IsRepeated ? $"{f.Name}[0]" : f.Name));

        public override string ToString() => $"{Method.Name} {Name}";
    }

    /// <summary>Every input field of every request message, recursively (not output-only ones: the server ignores them).</summary>
    public static IEnumerable<FieldPath> InputFields() =>
        Services.SelectMany(svc => svc.Methods).SelectMany(m => Walk(m, m.InputType, []));

    private static IEnumerable<FieldPath> Walk(MethodDescriptor method, MessageDescriptor message, IReadOnlyList<FieldDescriptor> above)
    {
        foreach (var field in message.Fields.InFieldNumberOrder().Where(f => !RequestRules.IsOutputOnly(f)))
        {
            var path = above.Append(field).ToList();
            if (field.FieldType == FieldType.Message && RequestRules.Governs(field.MessageType))
            {
                foreach (var inner in Walk(method, field.MessageType, path))
                    yield return inner;
            }
            else
            {
                yield return new FieldPath(method, path);
            }
        }
    }

    private static bool IsInteger(FieldDescriptor f) =>
        f.FieldType is FieldType.Int32 or FieldType.Int64 or FieldType.SInt32 or FieldType.SInt64 or FieldType.UInt32 or FieldType.UInt64
            or FieldType.Fixed32 or FieldType.Fixed64 or FieldType.SFixed32 or FieldType.SFixed64;

    [Fact]
    public void EveryStringField_DeclaresAKind_AndEveryIntegerField_ItsBounds()
    {
        var fields = InputFields().ToList();
        Assert.True(fields.Count > 150, $"only {fields.Count} input fields found");
        var undeclared = fields.Where(p => p.Leaf.FieldType == FieldType.String && RequestRules.RulesOf(p.Leaf)?.Text is null or TextKind.Unspecified)
            .Concat(fields.Where(p => IsInteger(p.Leaf) && RequestRules.RulesOf(p.Leaf) is not { HasMin: true, HasMax: true }))
            .Select(p => $"{p.Leaf.ContainingType.Name}.{p.Leaf.Name}").Distinct().ToList();
        Assert.True(undeclared.Count == 0, "declare field_rules on: " + string.Join(", ", undeclared));
    }

    /// <summary>Bad text of every kind, for a field of <paramref name="kind"/> whose limit is <paramref name="max"/>.</summary>
    private static IEnumerable<(string Label, string Value, string Reason)> BadTexts(TextKind kind, int max)
    {
        yield return ("NUL", "a\0b", "INVALID_CHARACTER");
        yield return ("BEL", "a\u0007b", "INVALID_CHARACTER");
        yield return ("ESC", "a\u001B[31mb", "INVALID_CHARACTER");
        yield return ("C1 NEL", "a\u0085b", "INVALID_CHARACTER");
        yield return ("RLO", "a\u202Eb", "INVALID_CHARACTER");
        yield return ("isolate", "a\u2067b", "INVALID_CHARACTER");
        yield return ("lone CR", "a\rb", "INVALID_CHARACTER");
        if (kind != TextKind.MultiLine)
        {
            yield return ("LF", "a\nb", "INVALID_CHARACTER");
            yield return ("U+2028", "a\u2028b", "INVALID_CHARACTER");
        }
        yield return ("spaces", " \u3000 ", "BLANK");
        yield return ("zero-width", "\u200B\u200D\uFEFF", "BLANK");
        // One code point over, in characters that take two UTF-16 units each: the limit counts code points.
        yield return ("too long", string.Concat(Enumerable.Repeat("𠮷", max + 1)), "TOO_LONG");
    }

    [Fact]
    public async Task EveryTextField_OfEveryRpc_RefusesControlCharacters_BlankAndOverlongText_OnItsPath()
    {
        var failures = new List<string>();
        var calls = 0;
        foreach (var path in InputFields().Where(p => p.Leaf.FieldType == FieldType.String))
        {
            var rules = RequestRules.RulesOf(path.Leaf);
            foreach (var (label, value, reason) in BadTexts(rules?.Text ?? TextKind.OneLine, RequestRules.MaxCharsOf(rules)))
            {
                calls++;
                await ExpectRefusalAsync(path, value, reason, label, failures);
            }
        }
        output.WriteLine($"{calls} calls");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} bad texts not refused as expected:\n" + string.Join('\n', failures.Take(60)));
    }

    [Fact]
    public async Task EveryIntegerField_OfEveryRpc_RefusesValuesOutsideItsBounds_AndEveryEnumField_AnUndefinedValue()
    {
        var failures = new List<string>();
        var calls = 0;
        foreach (var path in InputFields())
        {
            if (path.Leaf.FieldType == FieldType.Enum)
            {
                calls++;
                await ExpectRefusalAsync(path, 999, "UNKNOWN_ENUM_VALUE", "999", failures);
                continue;
            }
            if (!IsInteger(path.Leaf) || RequestRules.RulesOf(path.Leaf) is not { } rules)
                continue;
            var is32 = path.Leaf.FieldType is FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32;
            if (rules.Max < (is32 ? int.MaxValue : long.MaxValue))
            {
                calls++;
                await ExpectRefusalAsync(path, Typed(path.Leaf, rules.Max + 1), "OUT_OF_RANGE", "max + 1", failures);
                calls++;
                await ExpectRefusalAsync(path, Typed(path.Leaf, is32 ? int.MaxValue : long.MaxValue), "OUT_OF_RANGE", "type max", failures);
            }
            if (rules.Min > (is32 ? int.MinValue : long.MinValue))
            {
                calls++;
                await ExpectRefusalAsync(path, Typed(path.Leaf, rules.Min - 1), rules.Min == 0 ? "NEGATIVE" : "OUT_OF_RANGE", "min - 1", failures);
            }
        }
        output.WriteLine($"{calls} calls");
        Assert.True(calls > 40, $"only {calls} integer and enum cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} bad numbers not refused as expected:\n" + string.Join('\n', failures.Take(60)));
    }

    [Fact]
    public async Task EveryDateAndTimeField_OfEveryRpc_RefusesDatesBefore1900_AndAfter2100_AndTimesNoClockHolds()
    {
        var failures = new List<string>();
        var dates = InputFields().Where(p => p.Leaf.FieldType == FieldType.Message && p.Leaf.MessageType.FullName == "google.type.Date").ToList();
        Assert.NotEmpty(dates);
        foreach (var path in dates)
        {
            await ExpectRefusalAsync(path, new Google.Type.Date { Year = 1899, Month = 12, Day = 31 }, "OUT_OF_RANGE", "1899", failures);
            await ExpectRefusalAsync(path, new Google.Type.Date { Year = 2525, Month = 1, Day = 1 }, "OUT_OF_RANGE", "2525", failures);
        }
        var times = InputFields().Where(p => p.Leaf.FieldType == FieldType.Message && p.Leaf.MessageType.FullName == "google.protobuf.Timestamp").ToList();
        Assert.NotEmpty(times);
        foreach (var path in times)
        {
            await ExpectRefusalAsync(path, new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue }, "OUT_OF_RANGE", "seconds max", failures);
            await ExpectRefusalAsync(path, new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1, Nanos = -1 }, "OUT_OF_RANGE", "negative nanos", failures);
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task RareCharactersAndEmoji_RoundTrip_InTownsMembersAndEnterprises()
    {
        var town = (await s.Registry.CreateTownAsync(new CreateTownRequest
        {
            Parent = s.County.Name, TownId = "450923150", Town = new Town { DisplayName = "𠮷野😀镇" },
        })).Town;
        Assert.Equal("𠮷野😀镇", (await s.Registry.GetTownAsync(new GetTownRequest { Name = town.Name })).Town.DisplayName);

        var input = Api.NewHousehold(members: 2);
        input.Members[1].FullName = "陈𠮷👍";
        var household = await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0], input);
        Assert.Equal("陈𠮷👍", (await Api.FullAsync(s, household.Name)).Members[1].FullName);

        var registered = NewEnterprise("𠮷祥🌾农业合作社");
        var enterprise = (await new EnterpriseService.EnterpriseServiceClient(s.Channel).RegisterEnterpriseAsync(registered)).Enterprise;
        Assert.Equal("𠮷祥🌾农业合作社", (await new EnterpriseService.EnterpriseServiceClient(s.Channel).GetEnterpriseAsync(
            new GetEnterpriseRequest { Name = enterprise.Name })).Enterprise.DisplayName);
    }

    [Fact]
    public async Task ANameOfExactlyTheLimit_InCharactersOfTwoUtf16Units_IsAccepted_AndOneMoreIsTooLong()
    {
        // 64 code points, 128 UTF-16 units: the limit counts what people and PostgreSQL count.
        var longest = string.Concat(Enumerable.Repeat("𠮷", 64));
        var town = (await s.Registry.CreateTownAsync(new CreateTownRequest
        {
            Parent = s.County.Name, TownId = "450923151", Town = new Town { DisplayName = longest },
        })).Town;
        Assert.Equal(longest, town.DisplayName);
        var input = Api.NewHousehold(members: 1);
        input.Members[0].FullName = longest;
        Assert.Equal(longest, (await Api.CreateHouseholdAsync(s, s.County.Towns[0].Villages[0], input)).Members[0].FullName);

        town.DisplayName = longest + "𠮷";
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Registry.UpdateTownAsync(new UpdateTownRequest { Town = town }));
        Assert.Equal(("town.display_name", "TOO_LONG"), (e.BadRequest()!.FieldViolations[0].Field, e.BadRequest()!.FieldViolations[0].Reason));
    }

    private RegisterEnterpriseRequest NewEnterprise(string displayName)
    {
        var enterprise = Api.NewEnterprise(s.County.Towns[0].Name);
        enterprise.DisplayName = displayName;
        return new RegisterEnterpriseRequest
        {
            Parent = s.County.Name,
            Enterprise = enterprise,
            FirstUser = new EnterpriseUser { UserName = $"e-{Guid.NewGuid():N}"[..14], FullName = "𠮷田😀", Password = Api.EnterprisePassword },
        };
    }

    [Fact]
    public async Task PartnershipTotals_StayExact_WithManyDeliveriesAtTheBound_AndAnswer_WhateverIsStored()
    {
        var (enterprise, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name, approve: true);
        var projects = new ProjectService.ProjectServiceClient(s.Channel);
        const long max = Boyi.Domain.Enterprises.ProjectRules.MaxAmountFen;
        const int count = 12;
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var project = (await projects.CreateProjectAsync(new CreateProjectRequest
            {
                Project = new Project { Enterprise = enterprise.Name, Village = s.County.Towns[1].Villages[0], Kind = ProjectKind.VillageRoad, Title = $"道路{i}", PledgedFen = max },
            })).Project;
            await projects.RecordDeliveryAsync(new RecordDeliveryRequest
            {
                Parent = project.Name, Delivery = new Delivery { Date = new Google.Type.Date { Year = 2026, Month = 1, Day = 2 }, AmountFen = max },
            });
            names.Add(project.Name);
        }
        // A project's deliveries stop at the bound, so its own sum cannot overflow either.
        var over = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await projects.RecordDeliveryAsync(new RecordDeliveryRequest
        {
            Parent = names[0], Delivery = new Delivery { Date = new Google.Type.Date { Year = 2026, Month = 1, Day = 3 }, AmountFen = 1 },
        }));
        Assert.Equal(("delivery.amount_fen", "OUT_OF_RANGE"), (over.BadRequest()!.FieldViolations[0].Field, over.BadRequest()!.FieldViolations[0].Reason));

        var totals = await projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = enterprise.Name });
        Assert.Equal((count * max, count * max), (totals.FundsPledgedFen, totals.FundsDeliveredFen));

        // Rows beyond every bound (written before the bounds, or by hand): each alone near INT64_MAX, their sum far
        // beyond it. The county's totals still answer, with the largest figure the field holds.
        await using (var conn = new Npgsql.NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(
                "UPDATE projects SET pledged_fen = 9223372036854775807, delivered_fen = 9223372036854775807 WHERE id = ANY($1)", conn);
            cmd.Parameters.AddWithValue(names.Take(3).Select(n => long.Parse(n.Split('/')[1])).ToArray());
            Assert.Equal(3, await cmd.ExecuteNonQueryAsync());
        }
        var county = await projects.GetPartnershipTotalsAsync(new GetPartnershipTotalsRequest { Scope = s.County.Name });
        Assert.Equal((long.MaxValue, long.MaxValue), (county.FundsPledgedFen, county.FundsDeliveredFen));
        Assert.True(county.EnterprisesApproved >= 1);
    }

    private static object Typed(FieldDescriptor field, long value) =>
        field.FieldType is FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 ? (object)checked((int)value) : value;

    /// <summary>Sends the RPC's request with <paramref name="value"/> at <paramref name="path"/> and nothing else set.</summary>
    private async Task ExpectRefusalAsync(FieldPath path, object value, string reason, string label, List<string> failures)
    {
        var request = Build(path, value);
        try
        {
            await CallAsync(path.Method, request);
            failures.Add($"{path} = {label}: accepted");
        }
        catch (RpcException e)
        {
            var violations = e.BadRequest()?.FieldViolations.Select(v => (v.Field, v.Reason)).ToList() ?? [];
            if (e.StatusCode != StatusCode.InvalidArgument || !violations.Contains((path.Name, reason)))
                failures.Add($"{path} = {label}: {e.StatusCode} {e.ErrorInfo().Reason} [{string.Join(", ", violations)}], expected {reason}");
        }
    }

    private static IMessage Build(FieldPath path, object value)
    {
        var request = (IMessage)Activator.CreateInstance(path.Method.InputType.ClrType)!;
        var message = request;
        foreach (var field in path.Fields.SkipLast(1))
        {
            var inner = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
            if (field.IsRepeated)
                ((System.Collections.IList)field.Accessor.GetValue(message)).Add(inner);
            else
                field.Accessor.SetValue(message, inner);
            message = inner;
        }
        var leaf = path.Leaf;
        if (leaf.FieldType == FieldType.Enum)
            value = Enum.ToObject(leaf.EnumType.ClrType, value);
        if (leaf.IsRepeated)
            ((System.Collections.IList)leaf.Accessor.GetValue(message)).Add(value);
        else
            leaf.Accessor.SetValue(message, value);
        return request;
    }

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>Calls any RPC with the request's bytes: unary, server stream (reads the first answer) or client stream.</summary>
    private async Task CallAsync(MethodDescriptor method, IMessage request)
    {
        var invoker = s.Channel.CreateCallInvoker();
        var bytes = request.ToByteArray();
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30));
        switch ((method.IsClientStreaming, method.IsServerStreaming))
        {
            case (false, false):
                await invoker.AsyncUnaryCall(Method(MethodType.Unary, method), null, options, bytes);
                break;
            case (false, true):
                using (var call = invoker.AsyncServerStreamingCall(Method(MethodType.ServerStreaming, method), null, options, bytes))
                    await call.ResponseStream.MoveNext();
                break;
            case (true, false):
                using (var call = invoker.AsyncClientStreamingCall(Method(MethodType.ClientStreaming, method), null, options))
                {
                    await call.RequestStream.WriteAsync(bytes);
                    await call.RequestStream.CompleteAsync();
                    await call.ResponseAsync;
                }
                break;
            default:
                throw new NotSupportedException($"{method.FullName}: add duplex streams here");
        }
    }

    private static Method<byte[], byte[]> Method(MethodType type, MethodDescriptor method) =>
        new(type, method.Service.FullName, method.Name, Bytes, Bytes);
}
