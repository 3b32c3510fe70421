using System.Diagnostics;
using Boyi.Cli;

// `boyi import` runs here, natively; anything else (and an import whose arguments are wrong, for the usage text) runs
// the managed CLI beside this executable, with the same arguments, standard streams and exit code.
if (args.Length > 0 && args[0] == "import" && !args.Contains("--help"))
{
    try
    {
        var parsed = Arguments.Parse(args);
        return await ApiCall.RunAsync(parsed, Console.Error, channel => ImportCommand.RunAsync(channel, parsed, Console.Out, CancellationToken.None), CancellationToken.None);
    }
    catch (UsageException)
    {
    }
}
return Managed(args);

static int Managed(string[] args)
{
    var dll = Path.Combine(AppContext.BaseDirectory, "boyi.dll");
    if (!File.Exists(dll))
    {
        Console.Error.WriteLine($"boyi: {dll} is missing: publish src/Boyi.Cli into this folder too (README, \"install it once\").");
        return ExitCodes.Usage;
    }
    var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
    var host = root is not null && File.Exists(Path.Combine(root, "dotnet")) ? Path.Combine(root, "dotnet") : "dotnet";
    var start = new ProcessStartInfo(host) { UseShellExecute = false };
    start.ArgumentList.Add(dll);
    foreach (var a in args)
        start.ArgumentList.Add(a);
    using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
    process.WaitForExit();
    return process.ExitCode;
}
