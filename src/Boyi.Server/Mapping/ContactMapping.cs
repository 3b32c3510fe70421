using Boyi.Contracts.V1;
using Boyi.Infrastructure.Contacts;
using Boyi.Server.Grpc;
using Dom = Boyi.Domain.Contacts;

namespace Boyi.Server.Mapping;

public static class ContactMapping
{
    public static ContactRecord ToProto(this ContactRecordView v)
    {
        var r = v.Row;
        var record = v.Content.ToProto(r.HouseholdId);
        record.Name = ResourceNames.ContactRecord(r.Id);
        record.Cadre = ResourceNames.Cadre(r.CadreId);
        record.Pairing = ResourceNames.Pairing(r.PairingId);
        record.Photos.AddRange(v.Photos.Select(n => ResourceNames.ContactPhoto(r.Id, n)));
        record.Author = r.Author;
        record.Revision = r.Revision;
        record.CorrectableUntil = Wire.Time(r.CorrectableUntil);
        record.Etag = Wire.Etag(r.Version);
        record.CreateTime = Wire.Time(r.CreateTime);
        record.UpdateTime = Wire.Time(r.UpdateTime);
        return record;
    }

    /// <summary>What the author entered, as the API shows it (a revision shows only this).</summary>
    public static ContactRecord ToProto(this Dom.ContactContent c, long householdId)
    {
        var record = new ContactRecord
        {
            Household = ResourceNames.Household(householdId),
            Kind = (ContactKind)(int)c.Kind,
            OccurTime = Wire.Time(c.OccurTimeUtc),
            OccurDate = Wire.Date(Boyi.Domain.ChinaTime.DateOf(c.OccurTimeUtc)),
            Diary = c.Diary is { } d ? new PeoplesConditionDiary { Done = d.Done, SeenAndHeard = d.SeenAndHeard, Thoughts = d.Thoughts } : null,
        };
        record.Occasions.AddRange(c.Occasions.Select(o => new ContactOccasion { Kind = (ContactOccasionKind)(int)o.Kind, Reference = o.Reference ?? "" }));
        record.HelpItems.AddRange(c.HelpItems.Select(h => new HelpItem { Kind = (HelpKind)(int)h.Kind, Description = h.Description, AmountFen = h.AmountFen }));
        return record;
    }

    public static ContactPhoto ToProto(this ContactPhotoRow p) => new()
    {
        Name = ResourceNames.ContactPhoto(p.RecordId, p.Number), ContentType = p.ContentType, SizeBytes = p.SizeBytes, Width = p.Width, Height = p.Height,
        LocationRemoved = p.LocationRemoved, Actor = p.Actor, CreateTime = Wire.Time(p.CreateTime),
    };

    /// <summary>Text as stored: trimmed, and null when blank.</summary>
    public static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
