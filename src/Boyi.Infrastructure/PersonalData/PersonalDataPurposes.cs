namespace Boyi.Infrastructure.PersonalData;

/// <summary>
/// Purposes bound into ciphertexts (as associated data) and hashes, so a value protected for one column cannot be
/// read as another's and equal values in different columns hash differently. A purpose is 1–64 printable ASCII
/// characters; never change one once data is stored under it.
/// </summary>
public static class PersonalDataPurposes
{
    public const string IdCardNumber = "id_card_number";
    public const string Phone = "phone";
}
