using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boyi.Cli;

/// <summary>
/// manifest.json of a backup: what it holds and the sha256 of every file, the key files listed apart since they may
/// be stored apart. It detects damage and tampering with a single file, not a forged manifest: keep backups where
/// only operators can write.
/// </summary>
public sealed record BackupManifest
{
    public const string FileName = "manifest.json";
    public const string DumpFile = "boyi.dump";
    public const string KeysFolder = "keys";
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public int Format { get; init; } = CurrentFormat;
    public DateTimeOffset CreatedUtc { get; init; }
    /// <summary>The boyi release that made it.</summary>
    public string ServerVersion { get; init; } = "";
    /// <summary>The schema's last EF migration: a server of an older release does not know it and refuses the backup.</summary>
    public string LastMigration { get; init; } = "";
    public string PostgresVersion { get; init; } = "";
    public List<int> Counties { get; init; } = [];
    /// <summary>sha256 (hex) of every data file, by name in the backup folder.</summary>
    public SortedDictionary<string, string> Files { get; init; } = new(StringComparer.Ordinal);
    /// <summary>sha256 (hex) of every key file, by name in keys/.</summary>
    public SortedDictionary<string, string> Keys { get; init; } = new(StringComparer.Ordinal);

    public async Task WriteAsync(string folder, CancellationToken ct) =>
        await File.WriteAllTextAsync(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json) + "\n", ct);

    public static async Task<BackupManifest> ReadAsync(string folder, CancellationToken ct)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new BackupException($"{folder} is not a Boyi backup: it has no {FileName}.");
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(path, ct), Json);
        }
        catch (JsonException e)
        {
            throw new BackupException($"{path} is damaged: {e.Message}");
        }
        if (manifest is null || manifest.Format != CurrentFormat || !manifest.Files.ContainsKey(DumpFile) || manifest.LastMigration.Length == 0)
            throw new BackupException($"{path} is not a backup manifest this boyi reads (format {manifest?.Format}, expected {CurrentFormat}).");
        return manifest;
    }

    /// <summary>Refuses unless every listed file is in <paramref name="folder"/> with the listed sha256.</summary>
    public static async Task VerifyAsync(string folder, IReadOnlyDictionary<string, string> expected, string what, CancellationToken ct)
    {
        foreach (var (name, sha) in expected)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
                throw new BackupException($"The backup's {what} {name} is missing from {folder}.");
            var found = await Sha256Async(path, ct);
            if (!string.Equals(found, sha, StringComparison.OrdinalIgnoreCase))
            {
                throw new BackupException(
                    $"{path} does not match the backup's manifest (sha256 {found}, the manifest says {sha}): the backup is damaged " +
                    "or was altered, so nothing was restored.");
            }
        }
    }

    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }
}
