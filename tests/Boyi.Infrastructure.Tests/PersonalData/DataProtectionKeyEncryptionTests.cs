using System.Security.Cryptography;
using System.Xml.Linq;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.PersonalData;

namespace Boyi.Infrastructure.Tests.PersonalData;

/// <summary>The DataProtection keys' XML sealed with a key derived from the personal-data keys (docs/operations.md, Keys).</summary>
public sealed class DataProtectionKeyEncryptionTests
{
    private static readonly XElement Secret = new("descriptor",
        new XElement("masterKey", new XElement("value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)))));

    [Fact]
    public void The_xml_is_sealed_under_the_current_key_and_reads_back()
    {
        var keys = PersonalDataKeys.ForTests();
        var encryption = new DataProtectionKeyEncryption(() => keys);

        var sealedXml = encryption.Encrypt(Secret);

        Assert.DoesNotContain("masterKey", sealedXml.ToString(), StringComparison.Ordinal);
        Assert.Equal("1", (string?)sealedXml.Attribute("keyId"));
        Assert.Equal(Secret.ToString(), encryption.Decrypt(sealedXml).ToString());
        Assert.NotEqual(sealedXml.ToString(), encryption.Encrypt(Secret).ToString());   // a fresh nonce each time
    }

    [Fact]
    public void After_a_rotation_new_keys_use_the_new_key_and_old_ones_still_read()
    {
        var before = PersonalDataKeys.ForTests();
        var old = new DataProtectionKeyEncryption(() => before).Encrypt(Secret);
        var after = new DataProtectionKeyEncryption(before.WithNewEncryptionKey);

        Assert.Equal("2", (string?)after.Encrypt(Secret).Attribute("keyId"));
        Assert.Equal(Secret.ToString(), after.Decrypt(old).ToString());
    }

    [Fact]
    public void Another_key_folder_cannot_read_it_and_says_which_key_file_is_needed()
    {
        var sealedXml = new DataProtectionKeyEncryption(PersonalDataKeys.ForTests).Encrypt(Secret);
        var other = new DataProtectionKeyEncryption(PersonalDataKeys.ForTests);

        var e = Assert.ThrowsAny<CryptographicException>(() => other.Decrypt(sealedXml));
        Assert.Contains("personal-data-encryption-1.key", e.Message, StringComparison.Ordinal);

        sealedXml.SetAttributeValue("keyId", 2);
        Assert.ThrowsAny<CryptographicException>(() => new DataProtectionKeyEncryption(PersonalDataKeys.ForTests).Decrypt(sealedXml));
    }
}
