using System.Net;
using System.Net.Sockets;

namespace Boyi.Server.Tests;

/// <summary>
/// A load balancer in TCP mode (like HAProxy's <c>mode tcp</c> with <c>balance roundrobin</c>): each new connection
/// goes to the next backend, and its bytes are copied both ways untouched, so HTTP/2 (gRPC) and HTTP/1.1 are balanced
/// alike, per connection. <see cref="SeverAll"/> drops every open connection, as a balancer does when it reloads or
/// takes a backend out.
/// </summary>
public sealed class TcpRoundRobin : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<IPEndPoint> _backends = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Backend)> _open = [];
    private readonly Task _accepting;
    private int _next;

    /// <summary>Listens at once (its address may go into the backends' configuration); backends are added after.</summary>
    public TcpRoundRobin(params string[] backendAddresses)
    {
        foreach (var address in backendAddresses)
            Add(address);
        _listener.Start();
        Address = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    public string Address { get; }

    public void Add(string backendAddress)
    {
        var uri = new Uri(backendAddress);
        lock (_open)
            _backends.Add(new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port));
    }

    /// <summary>The backend (its index) that each connection so far was handed to, in order.</summary>
    public List<int> Assigned { get; } = [];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            IPEndPoint backend;
            lock (_open)
            {
                var index = _next++ % _backends.Count;
                Assigned.Add(index);
                backend = _backends[index];
            }
            _ = PipeAsync(client, backend);
        }
    }

    private async Task PipeAsync(TcpClient client, IPEndPoint to)
    {
        var backend = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await backend.ConnectAsync(to, _stop.Token);
            lock (_open)
                _open.Add((client, backend));
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = CopyAsync(client.GetStream(), backend.GetStream(), done.Token);
            var down = CopyAsync(backend.GetStream(), client.GetStream(), done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_open)
                _open.Remove((client, backend));
            client.Dispose();
            backend.Dispose();
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationToken ct)
    {
        try
        {
            await from.CopyToAsync(to, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Drops every open connection (both sides see a reset), as a balancer restarting would.</summary>
    public void SeverAll()
    {
        lock (_open)
        {
            foreach (var (client, backend) in _open)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                backend.Dispose();
            }
            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        SeverAll();
        await _accepting;
        _stop.Dispose();
    }
}
