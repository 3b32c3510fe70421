using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Boyi.Infrastructure.PersonalData;

/// <summary>
/// The keys that protect personal data at rest (ID-card numbers, phones): 256-bit AES keys for encryption, each
/// with a one-byte key id recorded in every ciphertext, and one 256-bit HMAC-SHA256 key for the keyed hashes used
/// for exact-match lookup and unique indexes. They live outside the database: in configured files
/// (<see cref="FromFiles(string,string,byte)"/>) or in a private key folder where they are generated once
/// (<see cref="LoadOrCreate"/>), like the token keys.
/// </summary>
/// <remarks>
/// <para><b>Rotating the encryption key.</b> The keyring holds any number of encryption keys (ids 1–255) and
/// encrypts with one, <see cref="CurrentKeyId"/>; every ciphertext names the key that made it, so old keys keep
/// decrypting. In a key folder, <see cref="AddEncryptionKey"/> writes key <c>n+1</c>, which becomes current at the
/// next start (the highest id is current unless one is pinned). With several servers, first give every server the
/// new key while keeping the old one current (pin it with <c>currentKeyId</c>), then make the new one current
/// everywhere; otherwise a server that has not got the key yet cannot read what another wrote. Values written under
/// old keys are re-encrypted with <see cref="PersonalDataProtector.Reencrypt"/> (see
/// <see cref="PersonalDataProtector.IsCurrentKey"/>); an old key can be removed only after that, and no sooner than 90
/// days after the rotation: the DataProtection keys in the database are sealed with the current key too
/// (<see cref="Identity.DataProtectionKeyEncryption"/>) and live that long.</para>
/// <para><b>The hash key cannot simply be rotated</b>: a hash is only useful if the same value always gives the same
/// hash, so a new hash key means re-hashing every stored value (decrypt, then hash with the new key) in one
/// migration, with lookups switched over at the same moment. Losing it is as bad as losing the encryption keys:
/// lookups and the uniqueness of ID-card numbers silently stop working. Store
/// <see cref="HashKeyFingerprint"/> (and the encryption keys' fingerprints) in the database and compare them at
/// start, so a server started with another key folder refuses to run instead of writing unreadable data.</para>
/// </remarks>
public sealed class PersonalDataKeys
{
    /// <summary>Size of every key: 256 bits.</summary>
    public const int KeySize = 32;

    /// <summary>File name of the hash key in a key folder.</summary>
    public const string HashKeyFileName = "personal-data-hash.key";

    private const string EncryptionKeyFilePrefix = "personal-data-encryption-";
    private const string KeyFileSuffix = ".key";

    private readonly byte[]?[] _encryptionKeys;   // indexed by key id; null where there is no such key
    private readonly byte[] _hashKey;

    private PersonalDataKeys(byte[]?[] encryptionKeys, byte currentKeyId, byte[] hashKey)
    {
        _encryptionKeys = encryptionKeys;
        _hashKey = hashKey;
        CurrentKeyId = currentKeyId;
        var ids = new List<byte>();
        for (var id = 1; id < encryptionKeys.Length; id++)
        {
            if (encryptionKeys[id] is not null)
                ids.Add((byte)id);
        }
        KeyIds = ids.AsReadOnly();
        HashKeyFingerprint = Fingerprint(hashKey, "boyi/personal-data/hash-key-check");
    }

    /// <summary>The id of the key new values are encrypted with.</summary>
    public byte CurrentKeyId { get; }

    /// <summary>Ids of every encryption key held (ascending); each of them can decrypt.</summary>
    public IReadOnlyList<byte> KeyIds { get; }

    /// <summary>
    /// A short public check value of the hash key (16 hex characters, derived with HMAC so it reveals nothing
    /// about the key): store it with the data and compare at start.
    /// </summary>
    public string HashKeyFingerprint { get; }

    /// <summary>A short public check value of one encryption key, like <see cref="HashKeyFingerprint"/>.</summary>
    public string EncryptionKeyFingerprint(byte keyId) =>
        Fingerprint(EncryptionKey(keyId) ?? throw new ArgumentOutOfRangeException(nameof(keyId), keyId, "No such encryption key."),
            "boyi/personal-data/encryption-key-check");

    internal byte[]? EncryptionKey(byte keyId) => _encryptionKeys[keyId];

    internal byte[] HashKey => _hashKey;

    /// <summary>
    /// A keyring from raw keys (for example fetched from a secret store). The arrays are copied.
    /// </summary>
    public static PersonalDataKeys Create(IReadOnlyDictionary<byte, byte[]> encryptionKeys, byte currentKeyId, byte[] hashKey)
    {
        ArgumentNullException.ThrowIfNull(encryptionKeys);
        ArgumentNullException.ThrowIfNull(hashKey);
        var keys = new byte[]?[256];
        foreach (var (id, key) in encryptionKeys)
        {
            if (id == 0)
                throw new ArgumentException("Encryption key ids are 1 to 255.", nameof(encryptionKeys));
            CheckKey(key, $"encryption key {id}");
            keys[id] = (byte[])key.Clone();
        }
        CheckKey(hashKey, "the hash key");
        if (currentKeyId == 0 || keys[currentKeyId] is null)
            throw new ArgumentException($"There is no encryption key with the current key id {currentKeyId}.", nameof(currentKeyId));
        foreach (var key in keys)
        {
            if (key is not null && CryptographicOperations.FixedTimeEquals(key, hashKey))
                throw new ArgumentException("The hash key must not be one of the encryption keys.", nameof(hashKey));
        }
        return new PersonalDataKeys(keys, currentKeyId, (byte[])hashKey.Clone());
    }

    /// <summary>
    /// Loads the keys from a private folder, generating them there the first time (mode 0700 for the folder, 0600
    /// for the files; safe when several processes start at once: one set of keys wins and all of them load it).
    /// Files: <c>personal-data-hash.key</c> and <c>personal-data-encryption-&lt;id&gt;.key</c>, each 32 random bytes in
    /// base64. The highest id is the current key unless <paramref name="currentKeyId"/> pins one.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The folder has encryption keys but no hash key (a new one would silently break every stored hash), a key file
    /// is malformed, or the pinned key is missing.
    /// </exception>
    public static PersonalDataKeys LoadOrCreate(string folder, byte? currentKeyId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        Restrict(folder, directory: true);
        var hashPath = Path.Combine(folder, HashKeyFileName);

        // The hash key is always written before the first encryption key, and the encryption keys are listed before
        // the hash key is looked for: so a process that sees an encryption key also sees the hash key, even while
        // another process is creating both.
        var existing = ListEncryptionKeyFiles(folder);
        if (!File.Exists(hashPath))
        {
            if (existing.Count > 0)
                throw new InvalidOperationException(
                    $"The key folder {folder} has personal-data encryption keys but no {HashKeyFileName}. Restore it from " +
                    "the backup of the keys: a new hash key would not match the hashes already stored.");
            WriteSecret(hashPath, NewKeyFileContent());
        }
        if (existing.Count == 0)
        {
            WriteSecret(Path.Combine(folder, EncryptionKeyFileName(1)), NewKeyFileContent());
            existing = ListEncryptionKeyFiles(folder);
        }

        var keys = new Dictionary<byte, byte[]>();
        foreach (var (id, path) in existing)
            keys[id] = ReadKeyFile(path);
        var current = currentKeyId ?? existing.Keys.Max();
        if (!keys.ContainsKey(current))
            throw new InvalidOperationException($"The key folder {folder} has no personal-data encryption key {current}.");
        return CreateFromFiles(keys, current, ReadKeyFile(hashPath));
    }

    /// <summary>
    /// Adds a new encryption key to a key folder, with the next id, and returns that id. It becomes current when the
    /// keys are next loaded (unless a current key is pinned). Two concurrent calls may both return the same new id;
    /// only one key is written.
    /// </summary>
    public static byte AddEncryptionKey(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!File.Exists(Path.Combine(folder, HashKeyFileName)))
            throw new InvalidOperationException($"{folder} is not a personal-data key folder (no {HashKeyFileName}).");
        var existing = ListEncryptionKeyFiles(folder);
        var next = existing.Count == 0 ? 1 : existing.Keys.Max() + 1;
        if (next > byte.MaxValue)
            throw new InvalidOperationException("All 255 encryption key ids are used; re-encrypt and remove old keys first.");
        WriteSecret(Path.Combine(folder, EncryptionKeyFileName((byte)next)), NewKeyFileContent());
        return (byte)next;
    }

    /// <summary>Loads one encryption key (with id <paramref name="keyId"/>) and the hash key from configured files (32 random bytes, base64).</summary>
    public static PersonalDataKeys FromFiles(string encryptionKeyPath, string hashKeyPath, byte keyId = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(encryptionKeyPath);
        return FromFiles(new Dictionary<byte, string> { [keyId] = encryptionKeyPath }, keyId, hashKeyPath);
    }

    /// <summary>
    /// Loads several encryption keys (by id: the current one and older ones still needed to decrypt) and the hash key
    /// from configured files (32 random bytes, base64).
    /// </summary>
    public static PersonalDataKeys FromFiles(IReadOnlyDictionary<byte, string> encryptionKeyPaths, byte currentKeyId, string hashKeyPath)
    {
        ArgumentNullException.ThrowIfNull(encryptionKeyPaths);
        ArgumentException.ThrowIfNullOrEmpty(hashKeyPath);
        var keys = new Dictionary<byte, byte[]>();
        foreach (var (id, path) in encryptionKeyPaths)
            keys[id] = ReadKeyFile(path);
        return CreateFromFiles(keys, currentKeyId, ReadKeyFile(hashKeyPath));
    }

    /// <summary>Random keys held in memory only (key id 1): for tests.</summary>
    public static PersonalDataKeys ForTests() =>
        Create(new Dictionary<byte, byte[]> { [1] = RandomNumberGenerator.GetBytes(KeySize) }, 1, RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>
    /// This keyring plus a new random encryption key (in memory only) with the next id, which becomes current; the
    /// hash key stays. For tests and tools; a server rotates with <see cref="AddEncryptionKey"/> or configured files.
    /// </summary>
    public PersonalDataKeys WithNewEncryptionKey()
    {
        var next = KeyIds[^1] + 1;
        if (next > byte.MaxValue)
            throw new InvalidOperationException("All 255 encryption key ids are used.");
        var keys = KeyIds.ToDictionary(id => id, id => _encryptionKeys[id]!);
        keys[(byte)next] = RandomNumberGenerator.GetBytes(KeySize);
        return Create(keys, (byte)next, _hashKey);
    }

    private static PersonalDataKeys CreateFromFiles(Dictionary<byte, byte[]> keys, byte current, byte[] hashKey)
    {
        try
        {
            return Create(keys, current, hashKey);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"The personal-data keys are not usable: {e.Message}", e);
        }
        finally
        {
            foreach (var key in keys.Values)
                CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(hashKey);
        }
    }

    private static string EncryptionKeyFileName(byte id) => EncryptionKeyFilePrefix + id.ToString(CultureInfo.InvariantCulture) + KeyFileSuffix;

    private static SortedDictionary<byte, string> ListEncryptionKeyFiles(string folder)
    {
        var found = new SortedDictionary<byte, string>();
        foreach (var path in Directory.EnumerateFiles(folder, EncryptionKeyFilePrefix + "*" + KeyFileSuffix))
        {
            var name = Path.GetFileName(path);
            if (!name.StartsWith(EncryptionKeyFilePrefix, StringComparison.Ordinal) || !name.EndsWith(KeyFileSuffix, StringComparison.Ordinal))
                continue;
            var digits = name.AsSpan(EncryptionKeyFilePrefix.Length, name.Length - EncryptionKeyFilePrefix.Length - KeyFileSuffix.Length);
            // Canonical ids only ("7", not "07"), so one id cannot have two files.
            if (byte.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                && digits.SequenceEqual(id.ToString(CultureInfo.InvariantCulture)))
                found[id] = path;
        }
        return found;
    }

    private static byte[] NewKeyFileContent() => Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize)) + "\n");

    private static byte[] ReadKeyFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{path} must hold {KeySize} random bytes (256 bits), base64-encoded.");
        }
        if (bytes.Length != KeySize)
            throw new InvalidOperationException($"{path} must hold {KeySize} random bytes (256 bits), base64-encoded.");
        return bytes;
    }

    private static void CheckKey(byte[]? key, string what)
    {
        if (key is null || key.Length != KeySize)
            throw new ArgumentException($"{what} must be {KeySize} bytes (256 bits).");
        var allZero = true;
        foreach (var b in key)
            allZero &= b == 0;
        if (allZero)
            throw new ArgumentException($"{what} is all zeros.");
    }

    private static string Fingerprint(byte[] key, string label)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(label), mac);
        return Convert.ToHexStringLower(mac[..8]);
    }

    /// <summary>
    /// Writes a new key file atomically, unless it exists; if another process (or thread) creates it meanwhile,
    /// theirs is kept and this one's is discarded, so every racer then reads the same key.
    /// </summary>
    /// <remarks>
    /// The file is written in full under a temporary name first (mode 0600 from creation), then published under its
    /// name with <c>link(2)</c>, which fails if the name exists: on Unix, <see cref="File.Move(string,string,bool)"/>
    /// without overwrite checks for the target and then renames, and two racers can both pass the check and the
    /// second rename replaces the first key after some process has already loaded it. On Windows that move is
    /// atomic and is used as it is.
    /// </remarks>
    private static void WriteSecret(string path, byte[] content)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            Restrict(temp, directory: false);
            Publish(temp, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private static void Publish(string temp, string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            if (Link(temp, path) == 0)
                return;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EEXIST)
                return;   // another process won the race: keep its key
            // A file system without hard links: fall back to the (almost always sufficient) move below.
        }
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process won the race: keep its key.
        }
    }

    private const int EEXIST = 17;   // the same on Linux and macOS

    [DllImport("libc", EntryPoint = "link", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existingPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    private static void Restrict(string path, bool directory)
    {
        if (OperatingSystem.IsWindows())
            return;
        File.SetUnixFileMode(path, directory
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
