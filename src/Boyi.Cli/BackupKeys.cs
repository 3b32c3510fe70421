using Boyi.Infrastructure.PersonalData;

namespace Boyi.Cli;

/// <summary>
/// Where the server keeps the key files a backup needs, found as the server finds them (PersonalDataKeySource,
/// AuthKeys): the personal-data keys (without them no ID-card number or phone can be read) and the token keys
/// (without them tokens issued before are refused and clients sign in again). Configured the same way: --key-directory
/// (the server's Boyi:PersonalData:KeyDirectory), else $Boyi__PersonalData__EncryptionKeyFile and
/// $Boyi__PersonalData__HashKeyFile, else $Boyi__PersonalData__KeyDirectory, else $Boyi__Auth__KeyDirectory, else
/// keys/ in Boyi's own data folder. In a backup they are files named as in a key folder.
/// </summary>
public sealed class BackupKeys
{
    public const string SigningCertificate = "signing.pfx";
    public const string TokenEncryptionKey = "encryption.key";
    private const string EncryptionKeyOne = "personal-data-encryption-1.key";

    private BackupKeys(string? folder, string? encryptionKeyFile, string? hashKeyFile, string tokenFolder)
    {
        Folder = folder;
        EncryptionKeyFile = encryptionKeyFile;
        HashKeyFile = hashKeyFile;
        TokenFolder = tokenFolder;
    }

    /// <summary>The personal-data key folder, unless the keys are configured as two files.</summary>
    public string? Folder { get; }
    public string? EncryptionKeyFile { get; }
    public string? HashKeyFile { get; }
    /// <summary>The authority's key folder (signing.pfx, encryption.key).</summary>
    public string TokenFolder { get; }

    public static BackupKeys Locate(Arguments args, string? ownDataDirectory)
    {
        var ownKeys = ownDataDirectory is null ? null : Path.Combine(ownDataDirectory, "keys");
        var authFolder = Env("Boyi__Auth__KeyDirectory");
        var encryptionFile = Env("Boyi__PersonalData__EncryptionKeyFile");
        var hashFile = Env("Boyi__PersonalData__HashKeyFile");
        var folder = args.Option("key-directory") ?? Env("Boyi__PersonalData__KeyDirectory") ?? authFolder ?? ownKeys;
        if (args.Option("key-directory") is null && (encryptionFile is not null || hashFile is not null))
        {
            if (encryptionFile is null || hashFile is null)
                throw new BackupException("Give both Boyi__PersonalData__EncryptionKeyFile and Boyi__PersonalData__HashKeyFile, or neither.");
            return new BackupKeys(null, encryptionFile, hashFile, authFolder ?? ownKeys ?? Path.GetDirectoryName(Path.GetFullPath(encryptionFile))!);
        }
        if (folder is null)
        {
            throw new BackupException(
                "Where are the server's personal-data keys? Give --key-directory DIR (the server's Boyi:PersonalData:KeyDirectory, " +
                "else its Boyi:Auth:KeyDirectory), or set Boyi__PersonalData__EncryptionKeyFile and Boyi__PersonalData__HashKeyFile.");
        }
        return new BackupKeys(folder, null, null, authFolder ?? folder);
    }

    /// <summary>The key files to back up: (name in the backup, where it is now). Refuses when there are no personal-data keys.</summary>
    public List<(string Name, string Path)> ToBackUp()
    {
        var found = new List<(string, string)>();
        if (Folder is null)
        {
            found.Add((EncryptionKeyOne, EncryptionKeyFile!));
            found.Add((PersonalDataKeys.HashKeyFileName, HashKeyFile!));
        }
        else if (Directory.Exists(Folder))
        {
            found.AddRange(Directory.GetFiles(Folder, "personal-data-*.key").Order(StringComparer.Ordinal).Select(p => (Path.GetFileName(p), p)));
        }
        if (!found.Any(f => f.Item1 == PersonalDataKeys.HashKeyFileName) || !found.Any(f => f.Item1 != PersonalDataKeys.HashKeyFileName))
        {
            throw new BackupException(
                $"No personal-data keys at {Folder ?? EncryptionKeyFile}: a backup without them could never show an ID-card number " +
                "or phone again. Give --key-directory DIR where the server keeps them.");
        }
        foreach (var name in new[] { SigningCertificate, TokenEncryptionKey })
        {
            var path = Path.Combine(TokenFolder, name);
            if (File.Exists(path))
                found.Add((name, path));
        }
        return found;
    }

    /// <summary>
    /// The personal-data keys as the server loads them, for the DataProtection keys in the database, which are
    /// encrypted with them (`boyi users reset-password` makes a reset token). Never created here: keys the server does
    /// not have would only make keys it cannot read.
    /// </summary>
    public PersonalDataKeys LoadPersonalDataKeys()
    {
        if (Folder is null)
            return PersonalDataKeys.FromFiles(EncryptionKeyFile!, HashKeyFile!);
        if (!File.Exists(Path.Combine(Folder, PersonalDataKeys.HashKeyFileName)))
        {
            throw new BackupException(
                $"No personal-data keys at {Folder}: the sign-in keys in the database are encrypted with them. Give " +
                "--key-directory DIR where the server keeps them.");
        }
        return PersonalDataKeys.LoadOrCreate(Folder);
    }

    /// <summary>Where a backed-up key file goes on this machine.</summary>
    public string Destination(string name) => name switch
    {
        SigningCertificate or TokenEncryptionKey => Path.Combine(TokenFolder, name),
        PersonalDataKeys.HashKeyFileName when Folder is null => HashKeyFile!,
        EncryptionKeyOne when Folder is null => EncryptionKeyFile!,
        _ when Folder is null => throw new BackupException(
            $"The backup has the personal-data key {name}, but this server is configured with one encryption key file " +
            "(Boyi__PersonalData__EncryptionKeyFile): use a key folder (--key-directory) to restore several keys."),
        _ => Path.Combine(Folder, name),
    };

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}

/// <summary>A backup or restore refused, with the reason for the operator.</summary>
public sealed class BackupException(string message) : Exception(message);
