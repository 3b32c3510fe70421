using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Boyi.Server.Auth;

/// <summary>
/// The authority's keys: an RSA certificate signs tokens, a 256-bit AES key encrypts access tokens (Boyi is its own
/// resource server, so a symmetric key keeps validation cheap). Where they come from, in order:
/// configured files (`Boyi:Auth:SigningCertificate`, `Boyi:Auth:EncryptionKey`); a key folder
/// (`Boyi:Auth:KeyDirectory`, or `keys/` in Boyi's own data folder when it runs its own database), where they are
/// generated once and kept; ASP.NET's development certificates in the Development environment. Otherwise the
/// server refuses to start: a production deployment must say where its keys are.
/// </summary>
public static class AuthKeys
{
    public sealed record Material(X509Certificate2 Signing, SymmetricSecurityKey? Encryption, bool Development);

    public static Material Load(IConfiguration config, IHostEnvironment env, string? ownDataDirectory)
    {
        var certPath = config["Boyi:Auth:SigningCertificate"];
        var keyPath = config["Boyi:Auth:EncryptionKey"];
        if (!string.IsNullOrEmpty(certPath))
        {
            if (string.IsNullOrEmpty(keyPath))
                throw new InvalidOperationException("Boyi:Auth:SigningCertificate is set but Boyi:Auth:EncryptionKey is not: give both.");
            return new Material(LoadCertificate(certPath, config["Boyi:Auth:SigningCertificatePassword"]), LoadKey(keyPath), false);
        }

        var folder = config["Boyi:Auth:KeyDirectory"] ?? (ownDataDirectory is null ? null : Path.Combine(ownDataDirectory, "keys"));
        if (folder is not null)
            return FromFolder(folder);
        if (env.IsDevelopment())
            return new Material(null!, null, Development: true);
        throw new InvalidOperationException(
            "No token signing keys are configured. Set Boyi:Auth:SigningCertificate (a PFX with an RSA key) and " +
            "Boyi:Auth:EncryptionKey (a file with 32 random bytes, base64), or Boyi:Auth:KeyDirectory (a private folder " +
            "where Boyi generates and keeps them). Development keys are used only in the Development environment.");
    }

    private static Material FromFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        Restrict(folder, directory: true);
        var certPath = Path.Combine(folder, "signing.pfx");
        var keyPath = Path.Combine(folder, "encryption.key");
        if (!File.Exists(certPath))
        {
            using var rsa = RSA.Create(3072);
            var request = new CertificateRequest("CN=Boyi token signing", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
            WriteSecret(certPath, cert.Export(X509ContentType.Pfx));
        }
        if (!File.Exists(keyPath))
            WriteSecret(keyPath, System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        return new Material(LoadCertificate(certPath, null), LoadKey(keyPath), false);
    }

    private static X509Certificate2 LoadCertificate(string path, string? password) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);

    private static SymmetricSecurityKey LoadKey(string path)
    {
        var bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
        if (bytes.Length != 32)
            throw new InvalidOperationException($"{path} must hold 32 bytes (256 bits), base64-encoded.");
        return new SymmetricSecurityKey(bytes);
    }

    /// <summary>Writes a new key file atomically; if another process (or server) created it meanwhile, theirs is kept.</summary>
    private static void WriteSecret(string path, byte[] content)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, content);
        Restrict(temp, directory: false);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
    }

    private static void Restrict(string path, bool directory)
    {
        if (OperatingSystem.IsWindows())
            return;
        File.SetUnixFileMode(path, directory
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
