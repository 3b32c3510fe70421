using System.Security.Cryptography;
using Boyi.Infrastructure.PersonalData;

namespace Boyi.Infrastructure.Tests.PersonalData;

/// <summary>
/// The direct libcrypto calls give exactly the bytes .NET's AesGcm and HMACSHA256 give, and the protector's two ways
/// read each other's ciphertexts and agree on hashes, so rows written either way stay readable and unique.
/// </summary>
public sealed class OpenSslDirectTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static TheoryData<int, int> Lengths => new() { { 0, 0 }, { 1, 0 }, { 18, 9 }, { 16, 66 }, { 31, 1 }, { 100, 200 }, { 4096, 3 } };

    [Fact]
    public void IsUsedOnThisMachine()
    {
        // CI and the servers run Debian with OpenSSL 3: the fast path must not silently fall back there.
        Assert.True(OpenSslDirect.IsAvailable);
        using var protector = new PersonalDataProtector(PersonalDataKeys.ForTests());
        Assert.True(protector.UsesDirectOpenSsl);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Encrypt_GivesAesGcmsBytes(int plaintextLength, int associatedLength)
    {
        var plaintext = RandomNumberGenerator.GetBytes(plaintextLength);
        var associated = RandomNumberGenerator.GetBytes(associatedLength);
        using var direct = new OpenSslDirect.GcmEncryptor(Key);
        using var aes = new AesGcm(Key, 16);
        for (var round = 0; round < 3; round++)   // the context is reused: each call starts afresh
        {
            var nonce = RandomNumberGenerator.GetBytes(12);
            var expected = new byte[plaintextLength];
            var expectedTag = new byte[16];
            aes.Encrypt(nonce, plaintext, expected, expectedTag, associated);

            var data = plaintext.ToArray();
            var tag = new byte[16];
            direct.Encrypt(nonce, data, tag, associated);

            Assert.Equal(expected, data);
            Assert.Equal(expectedTag, tag);
            var back = new byte[plaintextLength];
            aes.Decrypt(nonce, data, tag, back, associated);
            Assert.Equal(plaintext, back);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Decrypt_ReadsAesGcmsCiphertext_AndRefusesAlteredOnes(int plaintextLength, int associatedLength)
    {
        var plaintext = RandomNumberGenerator.GetBytes(plaintextLength);
        var associated = RandomNumberGenerator.GetBytes(associatedLength);
        using var direct = new OpenSslDirect.GcmDecryptor(Key);
        using var aes = new AesGcm(Key, 16);
        for (var round = 0; round < 3; round++)   // the context is reused, also after a refusal
        {
            var nonce = RandomNumberGenerator.GetBytes(12);
            var ciphertext = new byte[plaintextLength];
            var tag = new byte[16];
            aes.Encrypt(nonce, plaintext, ciphertext, tag, associated);

            var back = new byte[plaintextLength];
            direct.Decrypt(nonce, ciphertext, tag, back, associated);
            Assert.Equal(plaintext, back);

            var badTag = tag.ToArray();
            badTag[round] ^= 1;
            Assert.Throws<AuthenticationTagMismatchException>(() => direct.Decrypt(nonce, ciphertext, badTag, new byte[plaintextLength], associated));
            if (plaintextLength > 0)
            {
                var altered = ciphertext.ToArray();
                altered[^1] ^= 0x80;
                var refused = new byte[plaintextLength];
                Assert.Throws<AuthenticationTagMismatchException>(() => direct.Decrypt(nonce, altered, tag, refused, associated));
                Assert.All(refused, b => Assert.Equal(0, b));   // nothing of an unauthenticated plaintext is left
            }
            var otherAssociated = associated.Append((byte)1).ToArray();
            Assert.Throws<AuthenticationTagMismatchException>(() => direct.Decrypt(nonce, ciphertext, tag, new byte[plaintextLength], otherAssociated));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(27)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1000)]
    public void Hash_GivesHmacSha256sBytes(int length)
    {
        using var direct = new OpenSslDirect.HmacSha256(Key);
        for (var round = 0; round < 3; round++)   // reset between hashes: the same input gives the same hash
        {
            var data = RandomNumberGenerator.GetBytes(length);
            var hash = new byte[40];
            direct.Hash(data, hash);
            Assert.Equal(HMACSHA256.HashData(Key, data), hash[..32]);
            Assert.All(hash[32..], b => Assert.Equal(0, b));
        }
    }

    [Theory]
    [InlineData("45092319491231002X", PersonalDataPurposes.IdCardNumber)]
    [InlineData("13812345678", PersonalDataPurposes.Phone)]
    [InlineData("张三 — 博白县 🙂", PersonalDataPurposes.Phone)]
    [InlineData("", PersonalDataPurposes.Phone)]
    public void TheProtectorsTwoWays_ReadEachOther_AndHashAlike(string value, string purpose)
    {
        var keys = PersonalDataKeys.ForTests();
        using var direct = new PersonalDataProtector(keys, directOpenSsl: true);
        using var managed = new PersonalDataProtector(keys, directOpenSsl: false);
        Assert.False(managed.UsesDirectOpenSsl);

        Assert.Equal(value, managed.Decrypt(direct.Encrypt(value, purpose), purpose));
        Assert.Equal(value, direct.Decrypt(managed.Encrypt(value, purpose), purpose));
        Assert.Equal(managed.Hash(value, purpose), direct.Hash(value, purpose));

        // Authentication holds on the direct path: a flipped bit or another purpose is refused.
        var ciphertext = direct.Encrypt(value, purpose);
        ciphertext[^1] ^= 1;
        Assert.Throws<PersonalDataDecryptionException>(() => managed.Decrypt(ciphertext, purpose));
        Assert.Throws<PersonalDataDecryptionException>(() => direct.Decrypt(ciphertext, purpose));
        var other = purpose == PersonalDataPurposes.Phone ? PersonalDataPurposes.IdCardNumber : PersonalDataPurposes.Phone;
        Assert.Throws<PersonalDataDecryptionException>(() => managed.Decrypt(direct.Encrypt(value, purpose), other));
        Assert.Throws<PersonalDataDecryptionException>(() => direct.Decrypt(managed.Encrypt(value, purpose), other));
    }

    [Fact]
    public void ManyThreads_EachWithTheirOwnContexts_AllRoundTrip()
    {
        var keys = PersonalDataKeys.ForTests();
        using var direct = new PersonalDataProtector(keys, directOpenSsl: true);
        using var managed = new PersonalDataProtector(keys, directOpenSsl: false);
        var values = Enumerable.Range(0, 20_000).Select(i => $"4509231990{i:D8}").ToArray();
        var ciphers = new byte[values.Length][];
        var hashes = new byte[values.Length][];
        Parallel.For(0, values.Length, i =>
        {
            ciphers[i] = direct.Encrypt(values[i], PersonalDataPurposes.IdCardNumber);
            hashes[i] = direct.Hash(values[i], PersonalDataPurposes.IdCardNumber);
        });
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], managed.Decrypt(ciphers[i], PersonalDataPurposes.IdCardNumber));
            Assert.Equal(values[i], direct.Decrypt(ciphers[i], PersonalDataPurposes.IdCardNumber));
            Assert.Equal(managed.Hash(values[i], PersonalDataPurposes.IdCardNumber), hashes[i]);
        }
        // Random nonces: no two ciphertexts of distinct values share one.
        Assert.Equal(values.Length, ciphers.Select(c => Convert.ToHexString(c, 2, 12)).Distinct().Count());
    }
}
