using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Validation;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using DomainTextKind = Boyi.Domain.Validation.TextKind;
using ProtoTextKind = Boyi.Contracts.V1.TextKind;

namespace Boyi.Server.Validation;

/// <summary>
/// The rules every request field declares in the contract (<c>protos/boyi/v1/field_rules.proto</c>), checked by walking
/// the message by its descriptor: text characters and length, integer bounds, enum values, date ranges. The services
/// check meaning (a valid ID-card number, an existing village); this checks what no field may ever hold, so that no
/// RPC can forget it and nothing malformed reaches a service, a log or the database.
/// </summary>
public sealed class RequestRules(TimeProvider clock)
{
    public const int DefaultOneLineChars = 200;
    public const int DefaultMultiLineChars = 2000;
    /// <summary>Dates the programme can mean: nothing before 1900 (the oldest birth dates) or after 2100.</summary>
    public static readonly DateOnly EarliestDate = new(1900, 1, 1);
    public static readonly DateOnly LatestDate = new(2100, 12, 31);

    private static readonly ConcurrentDictionary<MessageDescriptor, FieldPlan[]> Plans = new();

    /// <summary>
    /// Whether the rules apply to messages of this type: Boyi's own API and the google.longrunning interface it
    /// serves (whose rules are <see cref="ServedForeignRules"/>), not health checks or reflection.
    /// </summary>
    public static bool Governs(MessageDescriptor descriptor) =>
        descriptor.File.Package.StartsWith("boyi.", StringComparison.Ordinal) || descriptor.File.Package == "google.longrunning";

    /// <summary>
    /// The rules of the request fields of google.longrunning.Operations, whose proto is Google's and carries none.
    /// </summary>
    private static readonly Dictionary<string, FieldRules> ServedForeignRules = new(StringComparer.Ordinal)
    {
        ["google.longrunning.GetOperationRequest.name"] = new() { Text = ProtoTextKind.OneLine },
        ["google.longrunning.ListOperationsRequest.name"] = new() { Text = ProtoTextKind.OneLine },
        ["google.longrunning.ListOperationsRequest.filter"] = new() { Text = ProtoTextKind.OneLine },
        ["google.longrunning.ListOperationsRequest.page_size"] = new() { Min = 0, Max = int.MaxValue },
        ["google.longrunning.ListOperationsRequest.page_token"] = new() { Text = ProtoTextKind.OneLine },
        ["google.longrunning.DeleteOperationRequest.name"] = new() { Text = ProtoTextKind.OneLine },
        ["google.longrunning.CancelOperationRequest.name"] = new() { Text = ProtoTextKind.OneLine },
        ["google.longrunning.WaitOperationRequest.name"] = new() { Text = ProtoTextKind.OneLine },
    };

    /// <summary>Throws INVALID_ARGUMENT listing every field of <paramref name="request"/> that breaks its rules.</summary>
    public void Check(IMessage request)
    {
        if (!Governs(request.Descriptor))
            return;
        var v = new Violations();
        Walk(request, "", v);
        v.ThrowIfAny();
    }

    /// <summary>The rules a field declares, or null (a field of a message from outside, such as a FieldMask).</summary>
    public static FieldRules? RulesOf(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(FieldRulesExtensions.FieldRules) ?? ServedForeignRules.GetValueOrDefault(field.FullName);

    /// <summary>Whether the server ignores the field on input (so it is not checked).</summary>
    public static bool IsOutputOnly(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(FieldBehaviorExtensions.FieldBehavior)?.Contains(FieldBehavior.OutputOnly) ?? false;

    public static DomainTextKind KindOf(FieldRules? rules) =>
        rules?.Text == ProtoTextKind.MultiLine ? DomainTextKind.MultiLine : DomainTextKind.OneLine;

    public static int MaxCharsOf(FieldRules? rules) => rules is { MaxChars: > 0 } r
        ? r.MaxChars
        : KindOf(rules) == DomainTextKind.MultiLine ? DefaultMultiLineChars : DefaultOneLineChars;

    private void Walk(IMessage message, string prefix, Violations v)
    {
        foreach (var plan in Plans.GetOrAdd(message.Descriptor, PlanFor))
        {
            var path = prefix + plan.Name;
            var value = plan.Field.Accessor.GetValue(message);
            if (plan.Field.IsMap)
            {
                foreach (DictionaryEntry e in (IDictionary)value)
                    CheckValue(plan, e.Value, $"{path}[{e.Key}]", v);
            }
            else if (plan.Field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (IList)value)
                    CheckValue(plan, item, $"{path}[{i++}]", v);
            }
            else
            {
                CheckValue(plan, value, path, v);
            }
        }
    }

    private void CheckValue(FieldPlan plan, object? value, string path, Violations v)
    {
        var field = plan.MapValue ?? plan.Field;
        switch (field.FieldType)
        {
            case FieldType.String:
                CheckText((string)value!, plan.Rules, path, v);
                break;
            case FieldType.Enum:
                var number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
                if (field.EnumType.FindValueByNumber(number) is null)
                    v.Add(path, "UNKNOWN_ENUM_VALUE", $"{number} is not a value of {field.EnumType.Name}");
                break;
            case FieldType.Message or FieldType.Group:
                if (value is not IMessage inner)
                    break;
                if (inner is Google.Type.Date date)
                    CheckDate(date, plan.Rules, path, v);
                else if (inner is Google.Protobuf.WellKnownTypes.Timestamp time)
                    CheckTime(time, path, v);
                else if (Governs(inner.Descriptor))
                    Walk(inner, path + ".", v);
                else if (inner is Google.Protobuf.WellKnownTypes.FieldMask mask)
                {
                    for (var i = 0; i < mask.Paths.Count; i++)
                        CheckText(mask.Paths[i], null, $"{path}.paths[{i}]", v);
                }
                break;
            case FieldType.Int32 or FieldType.Int64 or FieldType.SInt32 or FieldType.SInt64 or FieldType.SFixed32 or FieldType.SFixed64
                or FieldType.UInt32 or FieldType.Fixed32:
                CheckInteger(Convert.ToInt64(value, CultureInfo.InvariantCulture), plan.Rules, path, v);
                break;
            case FieldType.UInt64 or FieldType.Fixed64:
                var u = (ulong)value!;
                CheckInteger(u > long.MaxValue ? long.MaxValue : (long)u, plan.Rules, path, v);
                break;
        }
    }

    private static void CheckText(string text, FieldRules? rules, string path, Violations v)
    {
        if (text.Length == 0)
            return;
        if (TextRules.Problem(text, KindOf(rules)) is { } problem)
        {
            v.Add(path, problem.Reason, problem.Description);
            return;
        }
        v.MaxLength(path, text, MaxCharsOf(rules));
    }

    private static void CheckInteger(long value, FieldRules? rules, string path, Violations v)
    {
        if (rules is null)
            return;
        if (rules.HasMin && value < rules.Min)
        {
            if (rules.Min == 0)
                v.NonNegative(path, value);
            else
                v.Add(path, "OUT_OF_RANGE", $"must be at least {rules.Min.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (rules.HasMax && value > rules.Max)
        {
            v.Add(path, "OUT_OF_RANGE", $"must be at most {rules.Max.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private void CheckDate(Google.Type.Date date, FieldRules? rules, string path, Violations v)
    {
        if (date.Year == 0 && date.Month == 0 && date.Day == 0)
            return;
        if (date.Year < EarliestDate.Year || date.Year > LatestDate.Year)
        {
            v.Add(path, "OUT_OF_RANGE", $"must be from {EarliestDate:yyyy-MM-dd} to {LatestDate:yyyy-MM-dd}");
            return;
        }
        // An impossible day (2024-02-30) is the service's INVALID_DATE; only a real date can be too far ahead.
        if (rules is { HasMaxDaysAfterToday: true } && date.Month is >= 1 and <= 12 && date.Day >= 1
            && date.Day <= DateTime.DaysInMonth(date.Year, date.Month)
            && new DateOnly(date.Year, date.Month, date.Day) > ChinaTime.Today(clock).AddDays(rules.MaxDaysAfterToday))
        {
            v.Add(path, "OUT_OF_RANGE", rules.MaxDaysAfterToday == 0
                ? "must not be after today"
                : $"must not be more than {rules.MaxDaysAfterToday} day(s) after today");
        }
    }

    /// <summary>A timestamp must be one that converts to a time (years 1 to 9999, nanos within a second), as its spec says.</summary>
    private static void CheckTime(Google.Protobuf.WellKnownTypes.Timestamp time, string path, Violations v)
    {
        const long first = -62_135_596_800, last = 253_402_300_799;
        if (time.Seconds is < first or > last || time.Nanos is < 0 or > 999_999_999)
            v.Add(path, "OUT_OF_RANGE", "must be a time from 0001-01-01 to 9999-12-31 (UTC) with nanos from 0 to 999,999,999");
    }

    private static FieldPlan[] PlanFor(MessageDescriptor descriptor) =>
        descriptor.Fields.InFieldNumberOrder()
            .Where(f => !IsOutputOnly(f))
            .Select(f => new FieldPlan(f, f.Name, RulesOf(f), f.IsMap ? f.MessageType.FindFieldByNumber(2) : null))
            .ToArray();

    /// <param name="MapValue">For a map field, the value field of its entries (whose rules are the map's).</param>
    private sealed record FieldPlan(FieldDescriptor Field, string Name, FieldRules? Rules, FieldDescriptor? MapValue);
}
