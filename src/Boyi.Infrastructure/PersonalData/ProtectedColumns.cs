using Boyi.Infrastructure.Data;

namespace Boyi.Infrastructure.PersonalData;

/// <summary>
/// Where personal data meets the tables: ID-card numbers and phones are encrypted (and hashed for lookups) just
/// before rows are written and decrypted just after they are read. The plaintext properties of the rows are never
/// mapped to a column.
/// </summary>
public static class ProtectedColumns
{
    public static void Seal(this PersonalDataProtector p, HouseholdMemberRow m)
    {
        m.IdCardCipher = p.Encrypt(m.IdCardNumber, PersonalDataPurposes.IdCardNumber);
        m.IdCardHash = p.Hash(m.IdCardNumber, PersonalDataPurposes.IdCardNumber);
    }

    public static void Open(this PersonalDataProtector p, HouseholdMemberRow m) =>
        m.IdCardNumber = p.Decrypt(m.IdCardCipher, PersonalDataPurposes.IdCardNumber);

    public static void Seal(this PersonalDataProtector p, HouseholdRow h) =>
        (h.PhoneCipher, h.PhoneHash) = SealPhone(p, h.Phone);

    public static void Open(this PersonalDataProtector p, HouseholdRow h) =>
        h.Phone = h.PhoneCipher is null ? null : p.Decrypt(h.PhoneCipher, PersonalDataPurposes.Phone);

    public static void Seal(this PersonalDataProtector p, CadreRow c) =>
        (c.PhoneCipher, c.PhoneHash) = SealPhone(p, c.Phone);

    public static CadreRow Open(this PersonalDataProtector p, CadreRow c)
    {
        c.Phone = c.PhoneCipher is null ? null : p.Decrypt(c.PhoneCipher, PersonalDataPurposes.Phone);
        return c;
    }

    public static void Seal(this PersonalDataProtector p, EnterpriseRow e)
    {
        e.ContactPhoneCipher = p.Encrypt(e.ContactPhone, PersonalDataPurposes.Phone);
        e.ContactPhoneHash = p.Hash(e.ContactPhone, PersonalDataPurposes.Phone);
    }

    public static EnterpriseRow Open(this PersonalDataProtector p, EnterpriseRow e)
    {
        e.ContactPhone = p.Decrypt(e.ContactPhoneCipher, PersonalDataPurposes.Phone);
        return e;
    }

    /// <summary>The hash of an ID-card number as the unique index holds it (the number normalised first).</summary>
    public static byte[] IdCardHash(this PersonalDataProtector p, string normalizedNumber) =>
        p.Hash(normalizedNumber, PersonalDataPurposes.IdCardNumber);

    private static (byte[]?, byte[]?) SealPhone(PersonalDataProtector p, string? phone) =>
        phone is null ? (null, null) : (p.Encrypt(phone, PersonalDataPurposes.Phone), p.Hash(phone, PersonalDataPurposes.Phone));
}
