using System.Security.Cryptography;

namespace Boyi.Infrastructure.PersonalData;

/// <summary>
/// A protected value could not be decrypted: it was altered or truncated, it belongs to another purpose (column),
/// or it was encrypted with a key this server does not hold. The message never contains the value.
/// </summary>
public sealed class PersonalDataDecryptionException : CryptographicException
{
    public PersonalDataDecryptionException(string message)
        : base(message)
    {
    }

    public PersonalDataDecryptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
