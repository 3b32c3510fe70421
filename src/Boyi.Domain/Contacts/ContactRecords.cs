namespace Boyi.Domain.Contacts;

/// <summary>How a cadre was in contact with a household (values as in contacts.proto).</summary>
public enum ContactKind : short { PhoneCall = 1, HomeVisit = 2, OtherMeeting = 3 }

/// <summary>The five must-visit occasions (五必访) a contact may meet.</summary>
public enum ContactOccasionKind : short { Festival = 1, BusySeason = 2, Difficulty = 3, LifeEvent = 4, Dispute = 5, RelapseRisk = 6 }

/// <summary>The six kinds of help (六帮).</summary>
public enum HelpKind : short { Policy = 1, Technology = 2, Projects = 3, Funds = 4, SalesChannels = 5, DailyLife = 6 }

public sealed record ContactOccasion(ContactOccasionKind Kind, string? Reference);

public sealed record HelpItem(HelpKind Kind, string Description, long AmountFen);

/// <summary>The people's-condition diary (民情日记) of a home visit: what was done, seen and heard, thought.</summary>
public sealed record PeoplesConditionDiary(string Done, string SeenAndHeard, string Thoughts);

/// <summary>What a contact record says: what its author enters and may correct (the household and cadre are fixed).</summary>
public sealed record ContactContent(
    ContactKind Kind,
    DateTime OccurTimeUtc,
    IReadOnlyList<ContactOccasion> Occasions,
    IReadOnlyList<HelpItem> HelpItems,
    PeoplesConditionDiary? Diary);
