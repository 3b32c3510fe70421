using Boyi.Infrastructure.PersonalData;

namespace Boyi.Infrastructure.Tests.PersonalData;

public sealed class PersonalDataKeysTests : IDisposable
{
    private const string Purpose = PersonalDataPurposes.IdCardNumber;
    private const string Value = "450923199001011236";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "boyi-pd-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private string NewFolder() => Path.Combine(_root, Guid.NewGuid().ToString("N"), "keys");

    [Fact]
    public void Generates_keys_once_with_private_permissions_and_reloads_them()
    {
        var folder = NewFolder();
        var first = PersonalDataKeys.LoadOrCreate(folder);

        Assert.Equal(
            ["personal-data-encryption-1.key", "personal-data-hash.key"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            foreach (var file in Directory.GetFiles(folder))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        foreach (var file in Directory.GetFiles(folder))
            Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(file).Trim()).Length);

        var second = PersonalDataKeys.LoadOrCreate(folder);
        Assert.Equal(first.HashKeyFingerprint, second.HashKeyFingerprint);
        Assert.Equal(first.EncryptionKeyFingerprint(1), second.EncryptionKeyFingerprint(1));
        Assert.NotEqual(first.HashKeyFingerprint, first.EncryptionKeyFingerprint(1));
        Assert.Equal(1, second.CurrentKeyId);

        using var a = new PersonalDataProtector(first);
        using var b = new PersonalDataProtector(second);
        Assert.Equal(Value, b.Decrypt(a.Encrypt(Value, Purpose), Purpose));
        Assert.Equal(a.Hash(Value, Purpose), b.Hash(Value, Purpose));
    }

    [Fact]
    public void Another_folder_has_other_keys()
    {
        var a = PersonalDataKeys.LoadOrCreate(NewFolder());
        var b = PersonalDataKeys.LoadOrCreate(NewFolder());

        Assert.NotEqual(a.HashKeyFingerprint, b.HashKeyFingerprint);
        Assert.NotEqual(a.EncryptionKeyFingerprint(1), b.EncryptionKeyFingerprint(1));
    }

    [Fact]
    public void Concurrent_first_loads_agree_on_one_set_of_keys()
    {
        for (var round = 0; round < 20; round++)
        {
            var folder = NewFolder();
            const int threads = 12;
            var results = new PersonalDataKeys[threads];
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                results[i] = PersonalDataKeys.LoadOrCreate(folder);
            })).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());

            Assert.Single(results.Select(k => k.HashKeyFingerprint).Distinct());
            Assert.Single(results.Select(k => k.EncryptionKeyFingerprint(1)).Distinct());
            Assert.All(results, k => Assert.Equal([1], k.KeyIds));
            Assert.Equal(2, Directory.GetFiles(folder).Length);   // no temporary files left behind
            Assert.Equal(results[0].HashKeyFingerprint, PersonalDataKeys.LoadOrCreate(folder).HashKeyFingerprint);
        }
    }

    [Fact]
    public void A_key_added_to_the_folder_becomes_current_and_old_values_still_decrypt()
    {
        var folder = NewFolder();
        var before = PersonalDataKeys.LoadOrCreate(folder);
        using var oldProtector = new PersonalDataProtector(before);
        var old = oldProtector.Encrypt(Value, Purpose);

        Assert.Equal(2, PersonalDataKeys.AddEncryptionKey(folder));
        var after = PersonalDataKeys.LoadOrCreate(folder);
        using var protector = new PersonalDataProtector(after);

        Assert.Equal(2, after.CurrentKeyId);
        Assert.Equal([1, 2], after.KeyIds);
        Assert.Equal(before.EncryptionKeyFingerprint(1), after.EncryptionKeyFingerprint(1));
        Assert.Equal(before.HashKeyFingerprint, after.HashKeyFingerprint);
        Assert.Equal(Value, protector.Decrypt(old, Purpose));
        Assert.Equal(2, PersonalDataProtector.KeyIdOf(protector.Encrypt(Value, Purpose)));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "personal-data-encryption-2.key")));

        // Staged roll-out: every server gets key 2 while key 1 stays current.
        var pinned = PersonalDataKeys.LoadOrCreate(folder, currentKeyId: 1);
        Assert.Equal(1, pinned.CurrentKeyId);
        Assert.Throws<InvalidOperationException>(() => PersonalDataKeys.LoadOrCreate(folder, currentKeyId: 3));
    }

    [Fact]
    public void Refuses_to_invent_a_hash_key_when_encryption_keys_exist()
    {
        var folder = NewFolder();
        PersonalDataKeys.LoadOrCreate(folder);
        File.Delete(Path.Combine(folder, PersonalDataKeys.HashKeyFileName));

        var e = Assert.Throws<InvalidOperationException>(() => PersonalDataKeys.LoadOrCreate(folder));
        Assert.Contains(PersonalDataKeys.HashKeyFileName, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, PersonalDataKeys.HashKeyFileName)));
    }

    [Fact]
    public void A_malformed_key_file_is_refused_without_quoting_it()
    {
        var folder = NewFolder();
        PersonalDataKeys.LoadOrCreate(folder);
        var path = Path.Combine(folder, "personal-data-encryption-1.key");
        File.WriteAllText(path, Convert.ToBase64String(new byte[16]));
        Assert.Throws<InvalidOperationException>(() => PersonalDataKeys.LoadOrCreate(folder));

        File.WriteAllText(path, "not base64 at all!");
        var e = Assert.Throws<InvalidOperationException>(() => PersonalDataKeys.LoadOrCreate(folder));
        Assert.DoesNotContain("not base64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_configured_files()
    {
        Directory.CreateDirectory(_root);
        var k1 = Path.Combine(_root, "k1");
        var k2 = Path.Combine(_root, "k2");
        var hash = Path.Combine(_root, "hash");
        foreach (var path in new[] { k1, k2, hash })
            File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");

        using var one = new PersonalDataProtector(PersonalDataKeys.FromFiles(k1, hash));
        var both = PersonalDataKeys.FromFiles(new Dictionary<byte, string> { [1] = k1, [2] = k2 }, 2, hash);
        using var two = new PersonalDataProtector(both);

        Assert.Equal(1, one.Keys.CurrentKeyId);
        Assert.Equal(2, both.CurrentKeyId);
        Assert.Equal(Value, two.Decrypt(one.Encrypt(Value, Purpose), Purpose));
        Assert.Equal(one.Hash(Value, Purpose), two.Hash(Value, Purpose));
        Assert.Equal(7, PersonalDataKeys.FromFiles(k1, hash, keyId: 7).CurrentKeyId);

        Assert.Throws<InvalidOperationException>(() => PersonalDataKeys.FromFiles(k1, k1));                  // one key for both jobs
        Assert.Throws<InvalidOperationException>(() => PersonalDataKeys.FromFiles(k1, hash, keyId: 0));       // ids are 1-255
        Assert.Throws<InvalidOperationException>(() => PersonalDataKeys.FromFiles(new Dictionary<byte, string> { [1] = k1 }, 2, hash));
        Assert.Throws<FileNotFoundException>(() => PersonalDataKeys.FromFiles(Path.Combine(_root, "missing"), hash));
    }

    [Fact]
    public void Raw_keys_are_checked()
    {
        var good = new byte[32];
        good[0] = 1;
        var other = new byte[32];
        other[0] = 2;

        Assert.Throws<ArgumentException>(() => PersonalDataKeys.Create(new Dictionary<byte, byte[]> { [1] = new byte[16] }, 1, good));
        Assert.Throws<ArgumentException>(() => PersonalDataKeys.Create(new Dictionary<byte, byte[]> { [1] = new byte[32] }, 1, good));
        Assert.Throws<ArgumentException>(() => PersonalDataKeys.Create(new Dictionary<byte, byte[]> { [1] = good }, 1, good));
        Assert.Throws<ArgumentException>(() => PersonalDataKeys.Create(new Dictionary<byte, byte[]>(), 1, good));
        var keys = PersonalDataKeys.Create(new Dictionary<byte, byte[]> { [1] = good }, 1, other);
        good[0] = 9;   // copied, not kept
        Assert.Equal(PersonalDataKeys.Create(new Dictionary<byte, byte[]> { [1] = [1, .. new byte[31]] }, 1, other).EncryptionKeyFingerprint(1),
            keys.EncryptionKeyFingerprint(1));
    }

    [Fact]
    public void For_tests_keys_are_random()
    {
        Assert.NotEqual(PersonalDataKeys.ForTests().HashKeyFingerprint, PersonalDataKeys.ForTests().HashKeyFingerprint);
        Assert.Matches("^[0-9a-f]{16}$", PersonalDataKeys.ForTests().HashKeyFingerprint);
    }
}
