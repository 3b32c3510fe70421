using System.Diagnostics;
using Boyi.Testing;

namespace Boyi.Server.Tests;

/// <summary>
/// Boyi's server (with the test jobs: Boyi.TestHost) as its own OS process on a test database, so that a test can
/// kill it the hard way (SIGKILL: no shutdown, no finally blocks, its connections just drop) while it runs a job.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, string httpAddress, string grpcAddress)
    {
        _process = process;
        HttpAddress = httpAddress;
        GrpcAddress = grpcAddress;
    }

    public string HttpAddress { get; }
    public string GrpcAddress { get; }
    public int Id => _process.Id;

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return string.Join('\n', _output.TakeLast(40));
        }
    }

    /// <summary>Starts it as the app role (like ServerFixture, plus <paramref name="arguments"/>) and waits until it answers.</summary>
    public static async Task<ServerProcess> StartAsync(TestDatabase database, params string[] arguments)
    {
        var http = ServerFixture.FreePort();
        var grpc = ServerFixture.FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])
                 [
                     Path.Combine(AppContext.BaseDirectory, "Boyi.TestHost.dll"),
                     $"--ConnectionStrings:Boyi={database.AppConnectionString}",
                     $"--ConnectionStrings:BoyiMigrations={database.ConnectionString}",
                     $"--Boyi:GrpcPort={grpc}",
                     $"--Boyi:HttpPort={http}",
                     "--Boyi:Demo=false",
                     "--Boyi:Migrate=false",
                     $"--Boyi:Auth:KeyDirectory={TestAuth.KeyDirectory}",
                     "--Logging:LogLevel:Default=Warning",
                     .. arguments,
                 ])
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new ServerProcess(process, $"http://127.0.0.1:{http}", $"http://127.0.0.1:{grpc}");
        process.OutputDataReceived += (_, e) => server.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => server.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient();
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The server process exited with {process.ExitCode}:\n{server.Output}");
            try
            {
                return (await client.GetAsync(server.HttpAddress)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the server process to answer");
        return server;
    }

    private void Collect(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
    }

    /// <summary>SIGKILL, and waits until the process is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            Kill();
        await Task.CompletedTask;
        _process.Dispose();
    }
}
