using System.Globalization;
using System.Text.RegularExpressions;
using Boyi.Contracts.V1;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>
/// The contact form as typed (kind, date, occasions, help, diary), bound from the post, shared by recording and
/// correcting; <see cref="ToRecord"/> turns it into the API's record, putting what cannot be read by form field.
/// </summary>
public sealed partial class ContactForm
{
    public string Kind { get; set; } = "visit";
    public string Date { get; set; } = "";
    public List<string> Occasions { get; set; } = [];
    /// <summary>One help row per kind of help (六帮), in <see cref="HelpKinds"/> order.</summary>
    public List<HelpRow> Help { get; set; } = [];
    public string Done { get; set; } = "";
    public string SeenAndHeard { get; set; } = "";
    public string Thoughts { get; set; } = "";

    public sealed class HelpRow
    {
        public string Description { get; set; } = "";
        /// <summary>Yuan as typed, e.g. 500 or 12.50.</summary>
        public string Amount { get; set; } = "";
    }

    public static readonly HelpKind[] HelpKinds = [.. Names.All<HelpKind>().Select(k => k.Value)];

    public bool IsVisit => Kind == "visit";

    /// <summary>Rows for every kind of help, keeping what was typed.</summary>
    public ContactForm Padded()
    {
        while (Help.Count < HelpKinds.Length)
            Help.Add(new HelpRow());
        return this;
    }

    public ContactKind ContactKind => Kind switch { "call" => ContactKind.PhoneCall, "other" => ContactKind.OtherMeeting, _ => ContactKind.HomeVisit };

    public static string KindOf(ContactKind k) => k switch { ContactKind.PhoneCall => "call", ContactKind.OtherMeeting => "other", _ => "visit" };

    /// <summary>
    /// The record from the form; unreadable input goes to <paramref name="errors"/> by form field. The date becomes a
    /// time on that China day: now for today (a minute back, so a clock a little ahead of the server's is not "future"),
    /// noon for an earlier day. <paramref name="helpFields"/> maps the record's help items back to their form rows.
    /// </summary>
    public ContactRecord ToRecord(string household, DateTimeOffset now, Dictionary<string, string> errors, List<int> helpFields)
    {
        var record = new ContactRecord { Household = household, Kind = ContactKind };
        if (DateOnly.TryParseExact(Date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var china = TimeSpan.FromHours(8);
            var today = DateOnly.FromDateTime(now.ToOffset(china).DateTime);
            var when = day == today ? now.AddMinutes(-1) : new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), china);
            record.OccurTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(when);
        }
        else
            errors[nameof(Date)] = Lang.T("请选择日期。", "Choose a date.");
        foreach (var o in Occasions.Distinct())
        {
            var parts = o.Split('|', 2);
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && Enum.IsDefined(typeof(ContactOccasionKind), k))
                record.Occasions.Add(new ContactOccasion { Kind = (ContactOccasionKind)k, Reference = parts[1] });
        }
        for (var i = 0; i < Math.Min(Help.Count, HelpKinds.Length); i++)
        {
            var row = Help[i];
            if (row.Description.Trim().Length == 0 && row.Amount.Trim().Length == 0)
                continue;
            long fen = 0;
            if (row.Amount.Trim().Length > 0 && Fen(row.Amount) is not { } parsed)
                errors[$"Help[{i}].Amount"] = Lang.T("金额应为元，最多两位小数，如 500 或 12.50。", "Yuan with at most two decimals, e.g. 500 or 12.50.");
            else
                fen = Fen(row.Amount) ?? 0;
            record.HelpItems.Add(new HelpItem { Kind = HelpKinds[i], Description = row.Description.Trim(), AmountFen = fen });
            helpFields.Add(i);
        }
        // A diary is a visit's; what was typed under another kind is not sent (the server would refuse it).
        if (IsVisit)
            record.Diary = new PeoplesConditionDiary { Done = Done, SeenAndHeard = SeenAndHeard, Thoughts = Thoughts };
        return record;
    }

    /// <summary>Yuan as typed to fen, exactly (digits, no floating point): "12.5" → 1250; null when not an amount.</summary>
    public static long? Fen(string yuan)
    {
        var m = YuanPattern().Match(yuan.Trim().Replace(",", "", StringComparison.Ordinal).Replace("，", "", StringComparison.Ordinal));
        if (!m.Success)
            return null;
        var cents = m.Groups[2].Value.PadRight(2, '0');
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 100 + (cents.Length == 0 ? 0 : long.Parse(cents, CultureInfo.InvariantCulture));
    }

    /// <summary>Fen as yuan for the form (no thousands separators): 1250 → "12.50", 50000 → "500".</summary>
    public static string Yuan(long fen) => fen % 100 == 0
        ? (fen / 100).ToString(CultureInfo.InvariantCulture)
        : $"{fen / 100}.{fen % 100:D2}";

    [GeneratedRegex(@"^(\d{1,9})(?:\.(\d{1,2}))?$")]
    private static partial Regex YuanPattern();

    /// <summary>The form field for a field the server names.</summary>
    public static string FieldOf(string field, IReadOnlyList<int> helpFields)
    {
        var help = HelpField().Match(field);
        if (help.Success && int.TryParse(help.Groups[1].Value, CultureInfo.InvariantCulture, out var i) && i < helpFields.Count)
            return help.Groups[2].Value == "amount_fen" ? $"Help[{helpFields[i]}].Amount" : $"Help[{helpFields[i]}].Description";
        return field switch
        {
            "record.kind" => nameof(Kind),
            "record.occur_time" => nameof(Date),
            "record.diary.done" => nameof(Done),
            "record.diary.seen_and_heard" => nameof(SeenAndHeard),
            "record.diary.thoughts" => nameof(Thoughts),
            "record.diary" => nameof(Done),
            "content" => "Photo",
            _ when field.StartsWith("record.occasions", StringComparison.Ordinal) => nameof(Occasions),
            _ when field.StartsWith("record.help_items", StringComparison.Ordinal) => "Help",
            _ => "",
        };
    }

    [GeneratedRegex(@"^record\.help_items\[(\d+)\]\.(\w+)$")]
    private static partial Regex HelpField();

    /// <summary>The form filled from a record (for correcting it).</summary>
    public static ContactForm Of(ContactRecord r)
    {
        var form = new ContactForm
        {
            Kind = KindOf(r.Kind),
            Date = PortalPage.Iso(r.OccurDate),
            Occasions = r.Occasions.Select(o => $"{(int)o.Kind}|{o.Reference}").ToList(),
            Done = r.Diary?.Done ?? "", SeenAndHeard = r.Diary?.SeenAndHeard ?? "", Thoughts = r.Diary?.Thoughts ?? "",
        }.Padded();
        foreach (var h in r.HelpItems)
        {
            var i = Array.IndexOf(HelpKinds, h.Kind);
            if (i >= 0)
                form.Help[i] = new HelpRow { Description = h.Description, Amount = h.AmountFen == 0 ? "" : Yuan(h.AmountFen) };
        }
        return form;
    }
}

/// <summary>What the contact form's fields show: the form, the occasions that may be ticked, the page's errors and the days allowed.</summary>
public sealed record ContactFieldsView(ContactForm Form, IReadOnlyList<(string Value, string Label)> Occasions, PortalPage Page, DateOnly Min, DateOnly Max)
{
    /// <summary>The open windows, and any occasion the form already names (a record being corrected) that is not among them.</summary>
    public static IReadOnlyList<(string Value, string Label)> Choices(IEnumerable<DutyOutlook.OpenOccasion> open, ContactForm form)
    {
        var list = open.Select(o => (o.Value, $"{o.Status.Duty.Label}（{Lang.T("窗口", "window")} {o.Status.Duty.From:MM-dd}–{o.Status.Duty.To:MM-dd}）")).ToList();
        foreach (var v in form.Occasions.Where(v => list.All(c => c.Value != v)))
        {
            var parts = v.Split('|', 2);
            var kind = int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var k) ? Names.Of((ContactOccasionKind)k) : parts[0];
            list.Add((v, parts.Length == 2 && parts[1].Length > 0 ? $"{kind} {parts[1]}" : kind));
        }
        return list;
    }
}
