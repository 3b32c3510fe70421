namespace Boyi.Infrastructure.Postgres;

/// <summary>Where Boyi keeps its own files when nothing is configured.</summary>
public static class DataDirectory
{
    /// <summary>`.boyi/` at the root of the checkout Boyi runs from (git-ignored), else ~/.local/share/boyi.</summary>
    public static string Default()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Boyi.sln")))
                    return Path.Combine(dir.FullName, ".boyi");
            }
        }
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "boyi");
    }
}
