using Boyi.Infrastructure.PersonalData;

namespace Boyi.Server.Hosting;

/// <summary>
/// Where the keys for ID-card numbers and phones come from, in order: configured files
/// (`Boyi:PersonalData:EncryptionKeyFile` and `Boyi:PersonalData:HashKeyFile`, 32 random bytes each, base64); a
/// private key folder (`Boyi:PersonalData:KeyDirectory`, else the authority's `Boyi:Auth:KeyDirectory`, else
/// `keys/` in Boyi's own data folder), where they are generated once and kept. Never in the database: a copy of
/// the database alone reveals no number. Otherwise the server refuses to start, in every environment — data
/// encrypted under a throw-away key would be lost at the next start.
/// </summary>
public static class PersonalDataKeySource
{
    public static PersonalDataKeys Load(IConfiguration config, string? ownDataDirectory)
    {
        var encryptionFile = config["Boyi:PersonalData:EncryptionKeyFile"];
        var hashFile = config["Boyi:PersonalData:HashKeyFile"];
        if (!string.IsNullOrEmpty(encryptionFile) || !string.IsNullOrEmpty(hashFile))
        {
            if (string.IsNullOrEmpty(encryptionFile) || string.IsNullOrEmpty(hashFile))
                throw new InvalidOperationException("Give both Boyi:PersonalData:EncryptionKeyFile and Boyi:PersonalData:HashKeyFile, or neither.");
            return PersonalDataKeys.FromFiles(encryptionFile, hashFile);
        }
        var folder = config["Boyi:PersonalData:KeyDirectory"] ?? config["Boyi:Auth:KeyDirectory"]
            ?? (ownDataDirectory is null ? null : Path.Combine(ownDataDirectory, "keys"));
        return folder is not null
            ? PersonalDataKeys.LoadOrCreate(folder)
            : throw new InvalidOperationException(
                "No keys for personal data are configured. Set Boyi:PersonalData:EncryptionKeyFile and " +
                "Boyi:PersonalData:HashKeyFile (files of 32 random bytes, base64), or Boyi:PersonalData:KeyDirectory " +
                "(a private folder where Boyi generates and keeps them; Boyi:Auth:KeyDirectory serves too). Keep them " +
                "outside the database and back them up: without them no ID-card number or phone can be read.");
    }
}
