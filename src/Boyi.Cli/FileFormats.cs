namespace Boyi.Cli;

internal static class FileFormats
{
    /// <summary>Whether a file is XLSX (else CSV), by --format or by its name.</summary>
    public static bool IsXlsx(string path, string? explicitFormat) =>
        (explicitFormat ?? Path.GetExtension(path).TrimStart('.')).ToLowerInvariant() switch
        {
            "csv" => false,
            "xlsx" => true,
            _ => throw new UsageException($"cannot tell the format of '{path}': use a .csv or .xlsx name, or --format csv|xlsx"),
        };
}
