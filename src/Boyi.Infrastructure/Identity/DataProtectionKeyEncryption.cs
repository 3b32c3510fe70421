using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Boyi.Infrastructure.PersonalData;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Boyi.Infrastructure.Identity;

/// <summary>
/// Encrypts the DataProtection keys (which protect the sign-in cookies and Identity's reset and other tokens) before
/// they are stored in PostgreSQL, so a copy of the database (a dump, a backup without its keys/) cannot forge a
/// sign-in. Each key's XML is sealed with AES-256-GCM under a key derived with HKDF-SHA256 from the current
/// personal-data encryption key (<c>personal-data-encryption-&lt;id&gt;.key</c>, kept outside the database): no new
/// key file, and the same folder, loading, backup and rotation as the personal data. The id of the personal-data key
/// is recorded in the element, so after a rotation the DataProtection keys written before keep decrypting while the
/// old personal-data key is kept.
/// </summary>
/// <remarks>
/// Keys written unencrypted by release 2026.12 are still read (DataProtection reads an element without
/// <c>encryptedSecret</c> as it is), so an upgrade signs nobody out; new keys are written encrypted. A key that
/// cannot be decrypted (its personal-data key is missing or another one) is logged by DataProtection and skipped:
/// cookies and tokens made with it are refused and people sign in again; the server keeps running.
/// The keys are resolved on first use, so commands that never protect anything need no key folder.
/// </remarks>
public sealed class DataProtectionKeyEncryption
{
    private const string Label = "boyi/data-protection/key-xml";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly XName EncryptedElement = "boyiEncryptedKey";

    private readonly Lazy<PersonalDataKeys> _keys;

    public DataProtectionKeyEncryption(Func<PersonalDataKeys> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Lazy<PersonalDataKeys>(keys, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The key's XML sealed under the current personal-data encryption key.</summary>
    public XElement Encrypt(XElement plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var keys = _keys.Value;
        var keyId = keys.CurrentKeyId;
        var plain = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = Cipher(keys, keyId))
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Aad(keyId));
        CryptographicOperations.ZeroMemory(plain);
        return new XElement(EncryptedElement,
            new XAttribute("keyId", keyId),
            new XComment($" AES-256-GCM under a key derived from personal-data-encryption-{keyId}.key (docs/operations.md) "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
    }

    /// <summary>The key's XML from <see cref="Encrypt"/>'s element.</summary>
    /// <exception cref="CryptographicException">The personal-data key it was sealed with is missing or not this one.</exception>
    public XElement Decrypt(XElement encrypted)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        if (encrypted.Name != EncryptedElement
            || !byte.TryParse((string?)encrypted.Attribute("keyId"), NumberStyles.None, CultureInfo.InvariantCulture, out var keyId)
            || (string?)encrypted.Element("value") is not { } value)
            throw new CryptographicException($"Not a Boyi-encrypted DataProtection key: <{encrypted.Name}>.");
        var sealedBytes = Convert.FromBase64String(value);
        if (sealedBytes.Length < NonceSize + TagSize)
            throw new CryptographicException("The encrypted DataProtection key is truncated.");
        var keys = _keys.Value;
        if (keyId == 0 || !keys.KeyIds.Contains(keyId))
            throw Unreadable(keyId, "this server does not have it");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = Cipher(keys, keyId);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length),
                sealedBytes.AsSpan(NonceSize + plain.Length), plain, Aad(keyId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Unreadable(keyId, "the file this server has is another key");
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static CryptographicException Unreadable(byte keyId, string why) => new(
        $"A DataProtection key (sign-in cookies, password-reset tokens) was encrypted with personal-data-encryption-{keyId}.key, " +
        $"but {why}: cookies and tokens made with that key are refused (people sign in again). Put the key folder that " +
        "belongs to this database in place (after a restore: the backup's keys/), see docs/operations.md.");

    private static AesGcm Cipher(PersonalDataKeys keys, byte keyId)
    {
        var derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.EncryptionKey(keyId)!, PersonalDataKeys.KeySize,
            salt: [], info: Encoding.ASCII.GetBytes(Label));
        try
        {
            return new AesGcm(derived, TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    private static byte[] Aad(byte keyId) => Encoding.ASCII.GetBytes($"{Label}/{keyId.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Makes <paramref name="builder"/> write its keys encrypted with the personal-data keys <paramref name="keys"/>
    /// gives (called once, on first use).
    /// </summary>
    public static IDataProtectionBuilder Protect(IDataProtectionBuilder builder, Func<IServiceProvider, PersonalDataKeys> keys)
    {
        builder.Services.AddSingleton(sp => new DataProtectionKeyEncryption(() => keys(sp)));
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlEncryptor = new PersonalDataXmlEncryptor(sp.GetRequiredService<DataProtectionKeyEncryption>())));
        return builder;
    }
}

/// <summary>Writes DataProtection keys encrypted (<see cref="DataProtectionKeyEncryption"/>).</summary>
public sealed class PersonalDataXmlEncryptor(DataProtectionKeyEncryption encryption) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(encryption.Encrypt(plaintextElement), typeof(PersonalDataXmlDecryptor));
}

/// <summary>
/// Reads DataProtection keys written by <see cref="PersonalDataXmlEncryptor"/>. DataProtection creates it by the
/// type name stored with each key, with the application's services.
/// </summary>
public sealed class PersonalDataXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly DataProtectionKeyEncryption _encryption = services.GetRequiredService<DataProtectionKeyEncryption>();

    public XElement Decrypt(XElement encryptedElement) => _encryption.Decrypt(encryptedElement);
}
