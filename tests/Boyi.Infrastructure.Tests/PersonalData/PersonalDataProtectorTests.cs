using System.Security.Cryptography;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.PersonalData;

namespace Boyi.Infrastructure.Tests.PersonalData;

public sealed class PersonalDataProtectorTests : IDisposable
{
    private const string IdPurpose = PersonalDataPurposes.IdCardNumber;
    private const string PhonePurpose = PersonalDataPurposes.Phone;

    private static readonly string Id = IdCardNumber.Create("450923", new DateOnly(1990, 1, 1), 123).Value;

    private readonly PersonalDataProtector _protector = new(PersonalDataKeys.ForTests());

    public void Dispose() => _protector.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("13812345678")]
    [InlineData("0775-8221234")]
    [InlineData("张三 — 博白县 🙂")]
    public void Round_trips(string value)
    {
        var ciphertext = _protector.Encrypt(value, PhonePurpose);

        Assert.Equal(value, _protector.Decrypt(ciphertext, PhonePurpose));
        Assert.Equal(value, _protector.Decrypt(ciphertext.AsSpan(), PhonePurpose));
    }

    [Fact]
    public void Round_trips_a_long_value()
    {
        var value = new string('长', 5000);
        Assert.Equal(value, _protector.Decrypt(_protector.Encrypt(value, "note"), "note"));
    }

    [Fact]
    public void Ciphertext_has_the_documented_layout()
    {
        var ciphertext = _protector.Encrypt(Id, IdPurpose);

        Assert.Equal(PersonalDataProtector.Overhead + 18, ciphertext.Length);
        Assert.Equal(PersonalDataProtector.FormatVersion, ciphertext[0]);
        Assert.Equal(_protector.Keys.CurrentKeyId, ciphertext[1]);
        Assert.Equal(1, PersonalDataProtector.KeyIdOf(ciphertext));
        Assert.True(_protector.IsCurrentKey(ciphertext));
        // The value itself is nowhere in it.
        Assert.DoesNotContain(Id, System.Text.Encoding.Latin1.GetString(ciphertext), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_encryptions_of_one_value_differ()
    {
        var a = _protector.Encrypt(Id, IdPurpose);
        var b = _protector.Encrypt(Id, IdPurpose);

        Assert.NotEqual(a, b);
        Assert.NotEqual(a.AsSpan(2, 12).ToArray(), b.AsSpan(2, 12).ToArray());   // the nonces
        Assert.Equal(_protector.Decrypt(a, IdPurpose), _protector.Decrypt(b, IdPurpose));
    }

    [Fact]
    public void Altering_any_byte_fails()
    {
        var ciphertext = _protector.Encrypt(Id, IdPurpose);
        for (var i = 0; i < ciphertext.Length; i++)
        {
            foreach (var bit in new byte[] { 0x01, 0x80 })
            {
                var altered = (byte[])ciphertext.Clone();
                altered[i] ^= bit;
                Assert.Throws<PersonalDataDecryptionException>(() => _protector.Decrypt(altered, IdPurpose));
            }
        }
    }

    [Fact]
    public void Truncated_or_extended_ciphertext_fails()
    {
        var ciphertext = _protector.Encrypt(Id, IdPurpose);

        for (var length = 0; length < ciphertext.Length; length++)
            Assert.Throws<PersonalDataDecryptionException>(() => _protector.Decrypt(ciphertext.AsSpan(0, length), IdPurpose));
        Assert.Throws<PersonalDataDecryptionException>(() => _protector.Decrypt([.. ciphertext, 0], IdPurpose));
    }

    [Fact]
    public void Failures_are_cryptographic_exceptions_that_do_not_quote_the_value()
    {
        var ciphertext = _protector.Encrypt(Id, IdPurpose);
        ciphertext[^1] ^= 1;

        var e = Assert.ThrowsAny<CryptographicException>(() => _protector.Decrypt(ciphertext, IdPurpose));
        Assert.IsType<PersonalDataDecryptionException>(e);
        Assert.DoesNotContain(Id[..6], e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_purpose_cannot_decrypt()
    {
        var ciphertext = _protector.Encrypt("13812345678", PhonePurpose);

        var e = Assert.Throws<PersonalDataDecryptionException>(() => _protector.Decrypt(ciphertext, IdPurpose));
        Assert.Contains("purpose", e.Message, StringComparison.Ordinal);
        Assert.Throws<PersonalDataDecryptionException>(() => _protector.Decrypt(ciphertext, "phone2"));
    }

    [Fact]
    public void Another_key_cannot_decrypt()
    {
        using var other = new PersonalDataProtector(PersonalDataKeys.ForTests());

        Assert.Throws<PersonalDataDecryptionException>(() => other.Decrypt(_protector.Encrypt(Id, IdPurpose), IdPurpose));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("中文")]
    public void Bad_purposes_are_refused(string purpose)
    {
        Assert.Throws<ArgumentException>(() => _protector.Encrypt(Id, purpose));
        Assert.Throws<ArgumentException>(() => _protector.Hash(Id, purpose));
        Assert.Throws<ArgumentException>(() => _protector.Decrypt(new byte[40], purpose));
        Assert.Throws<ArgumentException>(() => _protector.Encrypt(Id, new string('p', PersonalDataProtector.MaxPurposeLength + 1)));
    }

    [Fact]
    public void Unpaired_surrogates_are_refused_rather_than_silently_replaced()
    {
        Assert.Throws<ArgumentException>(() => _protector.Encrypt("ab\uD800", PhonePurpose));
        Assert.Throws<ArgumentException>(() => _protector.Hash("ab\uD800", PhonePurpose));
    }

    [Fact]
    public void After_rotation_old_values_still_decrypt_and_new_ones_use_the_new_key()
    {
        var old = _protector.Encrypt(Id, IdPurpose);
        var rotatedKeys = _protector.Keys.WithNewEncryptionKey();
        using var rotated = new PersonalDataProtector(rotatedKeys);

        Assert.Equal(2, rotatedKeys.CurrentKeyId);
        Assert.Equal([1, 2], rotatedKeys.KeyIds);
        Assert.Equal(Id, rotated.Decrypt(old, IdPurpose));
        Assert.False(rotated.IsCurrentKey(old));

        var fresh = rotated.Encrypt(Id, IdPurpose);
        Assert.Equal(2, PersonalDataProtector.KeyIdOf(fresh));
        Assert.True(rotated.IsCurrentKey(fresh));

        var reencrypted = rotated.Reencrypt(old, IdPurpose);
        Assert.Equal(2, reencrypted[1]);
        Assert.Equal(Id, rotated.Decrypt(reencrypted, IdPurpose));
        Assert.Same(fresh, rotated.Reencrypt(fresh, IdPurpose));

        // The hash key is not rotated with the encryption key.
        Assert.Equal(_protector.Hash(Id, IdPurpose), rotated.Hash(Id, IdPurpose));

        // A server that does not have key 2 yet says so.
        var e = Assert.Throws<PersonalDataDecryptionException>(() => _protector.Decrypt(fresh, IdPurpose));
        Assert.Contains("key 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pinning_an_older_current_key_encrypts_with_it()
    {
        var k1 = RandomNumberGenerator.GetBytes(32);
        var k2 = RandomNumberGenerator.GetBytes(32);
        var hash = RandomNumberGenerator.GetBytes(32);
        using var pinned = new PersonalDataProtector(PersonalDataKeys.Create(new Dictionary<byte, byte[]> { [1] = k1, [2] = k2 }, 1, hash));
        using var next = new PersonalDataProtector(PersonalDataKeys.Create(new Dictionary<byte, byte[]> { [1] = k1, [2] = k2 }, 2, hash));

        var a = pinned.Encrypt(Id, IdPurpose);
        Assert.Equal(1, a[1]);
        Assert.Equal(Id, next.Decrypt(a, IdPurpose));
        Assert.Equal(Id, pinned.Decrypt(next.Encrypt(Id, IdPurpose), IdPurpose));
    }

    [Fact]
    public void Hash_is_deterministic_32_bytes_and_depends_on_purpose_and_key()
    {
        var a = _protector.Hash(Id, IdPurpose);

        Assert.Equal(PersonalDataProtector.HashSize, a.Length);
        Assert.Equal(a, _protector.Hash(Id, IdPurpose));
        Assert.NotEqual(a, _protector.Hash(Id, PhonePurpose));
        Assert.NotEqual(a, _protector.Hash(Id[..17] + "0", IdPurpose));
        using var other = new PersonalDataProtector(PersonalDataKeys.ForTests());
        Assert.NotEqual(a, other.Hash(Id, IdPurpose));

        Span<byte> into = stackalloc byte[40];
        _protector.Hash(Id.AsSpan(), IdPurpose, into);
        Assert.Equal(a, into[..32].ToArray());
        Assert.Throws<ArgumentException>(() => _protector.Hash(Id.AsSpan(), IdPurpose, new byte[31]));
    }

    [Fact]
    public void Hash_is_plain_HMAC_SHA256_of_purpose_NUL_value()
    {
        var hashKey = RandomNumberGenerator.GetBytes(32);
        using var protector = new PersonalDataProtector(
            PersonalDataKeys.Create(new Dictionary<byte, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) }, 1, hashKey));

        var expected = HMACSHA256.HashData(hashKey, System.Text.Encoding.UTF8.GetBytes("phone\u000013812345678"));
        Assert.Equal(expected, protector.Hash("13812345678", "phone"));
        // Long values take the pooled-buffer path and still agree.
        var longValue = new string('9', 1000);
        Assert.Equal(HMACSHA256.HashData(hashKey, System.Text.Encoding.UTF8.GetBytes("phone\u0000" + longValue)), protector.Hash(longValue, "phone"));
    }

    [Fact]
    public void Is_safe_to_use_from_many_threads()
    {
        var values = Enumerable.Range(0, 2000).Select(i => IdCardNumber.Create("450923", new DateOnly(1950, 1, 1).AddDays(i), i % 1000).Value).ToArray();
        var expectedHashes = values.Select(v => _protector.Hash(v, IdPurpose)).ToArray();
        var ciphertexts = new byte[values.Length][];

        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            ciphertexts[i] = _protector.Encrypt(values[i], IdPurpose);
            Assert.Equal(expectedHashes[i], _protector.Hash(values[i], IdPurpose));
        });
        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            Assert.Equal(values[i], _protector.Decrypt(ciphertexts[i], IdPurpose)));
    }

    [Fact]
    public void Disposed_protector_refuses_work()
    {
        var protector = new PersonalDataProtector(PersonalDataKeys.ForTests());
        protector.Encrypt(Id, IdPurpose);
        protector.Dispose();

        Assert.Throws<ObjectDisposedException>(() => protector.Encrypt(Id, IdPurpose));
    }
}
