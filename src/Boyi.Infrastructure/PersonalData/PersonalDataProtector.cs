using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Boyi.Domain.Validation;

namespace Boyi.Infrastructure.PersonalData;

/// <summary>
/// Encrypts personal data for storage (AES-256-GCM), computes keyed hashes of it for exact-match lookup and unique
/// indexes (HMAC-SHA256). Masking for display is <see cref="PersonalDataMask"/>'s. Thread-safe; one instance serves the whole process.
/// </summary>
/// <remarks>
/// <para>Ciphertext layout (<see cref="Overhead"/> = 30 bytes plus the UTF-8 value):
/// <c>format version (1 byte, = 1) | key id (1) | nonce (12, random) | tag (16) | encrypted UTF-8 value</c>.
/// The associated data is <c>format version | key id | purpose</c> (ASCII), so a value cannot be moved to a column
/// of another purpose, and the header cannot be altered, without decryption failing. Nonces are random: keep well
/// under 2³² encryptions per key (a county's members re-encrypted a thousand times over is still far below).</para>
/// <para>Hash: <c>HMAC-SHA256(hash key, purpose | 0x00 | UTF-8 value)</c>, 32 bytes, deterministic. Hash a
/// <em>normalised</em> value (<see cref="IdCardNumber.Value"/>, <see cref="PhoneNumber.TryNormalize"/>), or the same
/// person written two ways gets two hashes.</para>
/// <para>Speed (a bulk import protects 125,000 members): AesGcm and HMAC objects are not thread-safe, and creating
/// them per call costs a native context and a key schedule each time; so each thread keeps its own (one AesGcm per
/// key, one keyed HMAC), created on first use. Each thread also draws nonces from its own buffer of 3 KiB of
/// CSPRNG output, refilled when used up (one RNG call per 256 nonces instead of one per value). A call allocates
/// only its result. Where libcrypto 3 is there (Linux), encryption, decryption and hashing call it directly
/// (<see cref="OpenSslDirect"/>), four times faster than through .NET's classes; the bytes are the same.</para>
/// </remarks>
public sealed class PersonalDataProtector : IDisposable
{
    /// <summary>The first byte of every ciphertext.</summary>
    public const byte FormatVersion = 1;

    public const int HeaderSize = 2;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    /// <summary>Bytes a ciphertext has beyond the UTF-8 value: header, nonce and tag.</summary>
    public const int Overhead = HeaderSize + NonceSize + TagSize;

    /// <summary>Size of a <see cref="Hash(string,string)"/>: 32 bytes.</summary>
    public const int HashSize = 32;

    public const int MaxPurposeLength = 64;

    private const int StackLimit = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ThreadLocal<ThreadState> _state;

    public PersonalDataProtector(PersonalDataKeys keys) : this(keys, OpenSslDirect.IsAvailable)
    {
    }

    /// <param name="keys">The keyring.</param>
    /// <param name="directOpenSsl">Encrypt and hash through <see cref="OpenSslDirect"/> (tests compare both ways).</param>
    internal PersonalDataProtector(PersonalDataKeys keys, bool directOpenSsl)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!AesGcm.IsSupported)
            throw new PlatformNotSupportedException("AES-GCM is not available on this platform (OpenSSL 1.1 or later is needed).");
        Keys = keys;
        // Not tracking the values: a thread's state is collected (and its native contexts released) when the
        // thread ends, so threads that come and go do not pile up states until the protector is disposed.
        if (directOpenSsl && !OpenSslDirect.IsAvailable)
            throw new PlatformNotSupportedException("libcrypto 3 is not available for direct calls.");
        UsesDirectOpenSsl = directOpenSsl;
        _state = new ThreadLocal<ThreadState>(() => new ThreadState(keys, directOpenSsl), trackAllValues: false);
    }

    public PersonalDataKeys Keys { get; }

    /// <summary>Whether encryption and hashing call libcrypto directly (<see cref="OpenSslDirect"/>).</summary>
    public bool UsesDirectOpenSsl { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> with the current key; a new random nonce each time, so equal values give different ciphertexts.</summary>
    /// <exception cref="ArgumentException">The purpose is not 1–64 printable ASCII characters, or the text has an unpaired surrogate.</exception>
    public byte[] Encrypt(string plaintext, string purpose)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var keyId = Keys.CurrentKeyId;
        Span<byte> associated = stackalloc byte[HeaderSize + MaxPurposeLength];
        associated = associated[..WriteAssociatedData(associated, keyId, purpose)];

        int length;
        try
        {
            length = StrictUtf8.GetByteCount(plaintext);
        }
        catch (EncoderFallbackException)
        {
            // Not chained: the inner message would quote the offending character.
            throw new ArgumentException("The value is not valid text (it has an unpaired surrogate).", nameof(plaintext));
        }

        var state = _state.Value!;
        var output = new byte[Overhead + length];
        output[0] = FormatVersion;
        output[1] = keyId;
        var nonce = output.AsSpan(HeaderSize, NonceSize);
        var tag = output.AsSpan(HeaderSize + NonceSize, TagSize);
        var body = output.AsSpan(Overhead);
        state.NextNonce(nonce);
        StrictUtf8.GetBytes(plaintext, body);
        if (state.DirectCipher(keyId) is { } direct)
            direct.Encrypt(nonce, body, tag, associated);                  // in place
        else
            state.Cipher(keyId)!.Encrypt(nonce, body, body, tag, associated);   // in place
        return output;
    }

    /// <summary>Decrypts what <see cref="Encrypt"/> returned for the same <paramref name="purpose"/>, with whichever key it names.</summary>
    /// <exception cref="PersonalDataDecryptionException">Altered, truncated, another purpose's, or under a key not held.</exception>
    public string Decrypt(byte[] ciphertext, string purpose)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        return Decrypt(ciphertext.AsSpan(), purpose);
    }

    /// <inheritdoc cref="Decrypt(byte[],string)"/>
    public string Decrypt(ReadOnlySpan<byte> ciphertext, string purpose)
    {
        Span<byte> associated = stackalloc byte[HeaderSize + MaxPurposeLength];
        WritePurpose(associated[HeaderSize..], purpose);   // a bad purpose is the caller's bug: ArgumentException first

        if (ciphertext.Length < Overhead)
            throw new PersonalDataDecryptionException($"The protected {purpose} value is truncated ({ciphertext.Length} bytes; at least {Overhead} expected).");
        if (ciphertext[0] != FormatVersion)
            throw new PersonalDataDecryptionException($"The protected {purpose} value has an unknown format version {ciphertext[0]}: it is damaged or not a protected value.");
        var keyId = ciphertext[1];
        var state = _state.Value!;
        var direct = state.DirectDecryptor(keyId);
        var cipher = direct is null ? state.Cipher(keyId) : null;
        if (direct is null && cipher is null)
        {
            throw new PersonalDataDecryptionException(
                $"The protected {purpose} value was encrypted with key {keyId}, which this server does not hold (keys held: {string.Join(", ", Keys.KeyIds)}).");
        }
        associated = associated[..WriteAssociatedData(associated, keyId, purpose)];

        var bodyLength = ciphertext.Length - Overhead;
        byte[]? rented = null;
        var plain = bodyLength <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(bodyLength));
        plain = plain[..bodyLength];
        try
        {
            var nonce = ciphertext.Slice(HeaderSize, NonceSize);
            var tag = ciphertext.Slice(HeaderSize + NonceSize, TagSize);
            if (direct is not null)
                direct.Decrypt(nonce, ciphertext[Overhead..], tag, plain, associated);
            else
                cipher!.Decrypt(nonce, ciphertext[Overhead..], tag, plain, associated);
            return StrictUtf8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new PersonalDataDecryptionException(
                $"The protected {purpose} value failed authentication: it was altered, belongs to another purpose, or key {keyId} is not the key that encrypted it.", e);
        }
        catch (DecoderFallbackException)
        {
            throw new PersonalDataDecryptionException($"The protected {purpose} value decrypted to invalid UTF-8.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Whether <paramref name="ciphertext"/> is under the current key (else <see cref="Reencrypt"/> it after a rotation).</summary>
    public bool IsCurrentKey(ReadOnlySpan<byte> ciphertext) =>
        ciphertext.Length >= HeaderSize && ciphertext[0] == FormatVersion && ciphertext[1] == Keys.CurrentKeyId;

    /// <summary>The id of the key that encrypted <paramref name="ciphertext"/>.</summary>
    public static byte KeyIdOf(ReadOnlySpan<byte> ciphertext) =>
        ciphertext.Length >= Overhead && ciphertext[0] == FormatVersion
            ? ciphertext[1]
            : throw new PersonalDataDecryptionException("Not a protected value (too short or unknown format version).");

    /// <summary>The same value encrypted with the current key; <paramref name="ciphertext"/> itself if it already is.</summary>
    public byte[] Reencrypt(byte[] ciphertext, string purpose)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        return IsCurrentKey(ciphertext) ? ciphertext : Encrypt(Decrypt(ciphertext, purpose), purpose);
    }

    /// <summary>HMAC-SHA256 of <paramref name="purpose"/> and the normalised value: 32 bytes, the same for the same value and purpose.</summary>
    public byte[] Hash(string normalizedValue, string purpose)
    {
        ArgumentNullException.ThrowIfNull(normalizedValue);
        var hash = new byte[HashSize];
        Hash(normalizedValue, purpose, hash);
        return hash;
    }

    /// <summary><see cref="Hash(string,string)"/> into <paramref name="destination"/> (at least 32 bytes), without allocating.</summary>
    public void Hash(ReadOnlySpan<char> normalizedValue, string purpose, Span<byte> destination)
    {
        if (destination.Length < HashSize)
            throw new ArgumentException($"At least {HashSize} bytes are needed.", nameof(destination));
        var max = MaxPurposeLength + 1 + StrictUtf8.GetMaxByteCount(normalizedValue.Length);
        byte[]? rented = null;
        var input = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var n = 0;
        try
        {
            n = WritePurpose(input, purpose);
            input[n++] = 0;   // purposes are printable ASCII, so the separator makes (purpose, value) unambiguous
            try
            {
                n += StrictUtf8.GetBytes(normalizedValue, input[n..]);
            }
            catch (EncoderFallbackException)
            {
                throw new ArgumentException("The value is not valid text (it has an unpaired surrogate).", nameof(normalizedValue));
            }
            var state = _state.Value!;
            if (state.DirectHmac is { } direct)
            {
                direct.Hash(input[..n], destination[..HashSize]);
            }
            else
            {
                state.Hmac.AppendData(input[..n]);
                state.Hmac.GetHashAndReset(destination[..HashSize]);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input[..n]);
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Further calls throw <see cref="ObjectDisposedException"/>; other threads' ciphers are released as they are collected.</summary>
    public void Dispose()
    {
        if (_state.IsValueCreated)
            _state.Value!.Dispose();
        _state.Dispose();
    }

    private static int WriteAssociatedData(Span<byte> destination, byte keyId, string purpose)
    {
        destination[0] = FormatVersion;
        destination[1] = keyId;
        return HeaderSize + WritePurpose(destination[HeaderSize..], purpose);
    }

    private static int WritePurpose(Span<byte> destination, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        if (purpose.Length is 0 or > MaxPurposeLength)
            throw new ArgumentException($"A purpose is 1 to {MaxPurposeLength} printable ASCII characters.", nameof(purpose));
        for (var i = 0; i < purpose.Length; i++)
        {
            var c = purpose[i];
            if (c is < '!' or > '~')
                throw new ArgumentException($"A purpose is 1 to {MaxPurposeLength} printable ASCII characters.", nameof(purpose));
            destination[i] = (byte)c;
        }
        return purpose.Length;
    }

    /// <summary>One thread's ciphers, HMAC and nonce buffer: never shared between threads.</summary>
    private sealed class ThreadState(PersonalDataKeys keys, bool direct) : IDisposable
    {
        private const int NoncesPerRefill = 256;

        private readonly AesGcm?[] _ciphers = new AesGcm?[256];
        private readonly OpenSslDirect.GcmEncryptor?[] _directCiphers = new OpenSslDirect.GcmEncryptor?[256];
        private readonly OpenSslDirect.GcmDecryptor?[] _directDecryptors = new OpenSslDirect.GcmDecryptor?[256];
        private OpenSslDirect.HmacSha256? _directHmac;
        private readonly byte[] _random = new byte[NonceSize * NoncesPerRefill];
        private int _used = NonceSize * NoncesPerRefill;
        private IncrementalHash? _hmac;

        public IncrementalHash Hmac => _hmac ??= IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.HashKey);

        /// <summary>The cipher for a key id, or null when the keyring has no such key.</summary>
        public AesGcm? Cipher(byte keyId) => ForKey(_ciphers, keyId, static key => new AesGcm(key, TagSize));

        /// <summary>The direct encryptor for a key id; null when not calling libcrypto directly, or no such key.</summary>
        public OpenSslDirect.GcmEncryptor? DirectCipher(byte keyId) =>
            direct ? ForKey(_directCiphers, keyId, static key => new OpenSslDirect.GcmEncryptor(key)) : null;

        /// <summary>The direct decryptor for a key id; null when not calling libcrypto directly, or no such key.</summary>
        public OpenSslDirect.GcmDecryptor? DirectDecryptor(byte keyId) =>
            direct ? ForKey(_directDecryptors, keyId, static key => new OpenSslDirect.GcmDecryptor(key)) : null;

        /// <summary>This thread's context for a key id, created on first use; null when the keyring has no such key.</summary>
        private T? ForKey<T>(T?[] contexts, byte keyId, Func<byte[], T> create) where T : class
        {
            var context = contexts[keyId];
            if (context is null && keys.EncryptionKey(keyId) is { } key)
                contexts[keyId] = context = create(key);
            return context;
        }

        /// <summary>The direct keyed HMAC; null when not calling libcrypto directly.</summary>
        public OpenSslDirect.HmacSha256? DirectHmac => direct ? _directHmac ??= new OpenSslDirect.HmacSha256(keys.HashKey) : null;

        /// <summary>12 fresh CSPRNG bytes; each byte of the buffer is handed out once.</summary>
        public void NextNonce(Span<byte> nonce)
        {
            if (_used == _random.Length)
            {
                RandomNumberGenerator.Fill(_random);
                _used = 0;
            }
            _random.AsSpan(_used, NonceSize).CopyTo(nonce);
            _used += NonceSize;
        }

        public void Dispose()
        {
            foreach (var cipher in _ciphers)
                cipher?.Dispose();
            foreach (var cipher in _directCiphers)
                cipher?.Dispose();
            foreach (var cipher in _directDecryptors)
                cipher?.Dispose();
            _hmac?.Dispose();
            _directHmac?.Dispose();
        }
    }
}
