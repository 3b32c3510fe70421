using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Boyi.Domain.Tests")]

namespace Boyi.Domain.Planning;

/// <summary>
/// A directed flow network solved with Dinic's algorithm. General on purpose: the planner's proof of
/// optimality is the min cut read off this residual graph, so the solver must not know the planner's shape.
/// </summary>
internal sealed class FlowNetwork
{
    /// <summary>Large enough never to be the bottleneck, small enough that sums of a few cannot overflow.</summary>
    public const long Infinite = long.MaxValue / 4;

    // Edge 2k is the k-th added edge and 2k+1 its reverse, so the partner of e is e ^ 1.
    private int[] _to;
    private int[] _next;
    private long[] _residual;
    private long[] _capacity;
    private int _edgeCount;

    private readonly int[] _head;
    private readonly int[] _level;
    private readonly int[] _currentArc;
    private readonly int[] _queue;

    public FlowNetwork(int nodeCount, int edgeCountHint = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        NodeCount = nodeCount;
        _head = new int[nodeCount];
        Array.Fill(_head, -1);
        _level = new int[nodeCount];
        _currentArc = new int[nodeCount];
        _queue = new int[nodeCount];
        var slots = Math.Max(2, 2 * edgeCountHint);
        _to = new int[slots];
        _next = new int[slots];
        _residual = new long[slots];
        _capacity = new long[slots];
    }

    public int NodeCount { get; }

    public int EdgeCount => _edgeCount / 2;

    /// <summary>Adds an edge and returns its id for <see cref="Flow"/>.</summary>
    public int AddEdge(int from, int to, long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, Infinite);
        CheckNode(from);
        CheckNode(to);
        if (_edgeCount + 2 > _to.Length)
            Grow();

        var e = _edgeCount;
        Link(e, from, to, capacity);
        Link(e + 1, to, from, 0);
        _edgeCount += 2;
        return e / 2;
    }

    public int From(int edge) => _to[2 * CheckEdge(edge) + 1];

    public int To(int edge) => _to[2 * CheckEdge(edge)];

    public long Capacity(int edge) => _capacity[2 * CheckEdge(edge)];

    public long Flow(int edge)
    {
        var e = 2 * CheckEdge(edge);
        return _capacity[e] - _residual[e];
    }

    /// <summary>Augments the current flow to a maximum one and returns the total flow value.</summary>
    public long MaxFlow(int source, int sink)
    {
        CheckNode(source);
        CheckNode(sink);
        if (source == sink)
            throw new ArgumentException("Source and sink must differ.", nameof(sink));

        var path = new int[NodeCount];
        while (BuildLevels(source, sink))
        {
            Array.Copy(_head, _currentArc, NodeCount);
            AugmentBlockingFlow(source, sink, path);
        }

        return OutFlow(source);
    }

    /// <summary>Nodes reachable from <paramref name="source"/> along edges with residual capacity.</summary>
    public bool[] ResidualReachable(int source)
    {
        CheckNode(source);
        var seen = new bool[NodeCount];
        var queueLength = 0;
        seen[source] = true;
        _queue[queueLength++] = source;
        for (var q = 0; q < queueLength; q++)
        {
            for (var e = _head[_queue[q]]; e >= 0; e = _next[e])
            {
                var w = _to[e];
                if (_residual[e] > 0 && !seen[w])
                {
                    seen[w] = true;
                    _queue[queueLength++] = w;
                }
            }
        }

        return seen;
    }

    /// <summary>Total capacity of the edges leaving <paramref name="sourceSide"/>.</summary>
    public long CutCapacity(bool[] sourceSide)
    {
        ArgumentNullException.ThrowIfNull(sourceSide);
        if (sourceSide.Length != NodeCount)
            throw new ArgumentException("One flag per node is required.", nameof(sourceSide));

        long total = 0;
        for (var e = 0; e < _edgeCount; e += 2)
        {
            if (sourceSide[_to[e + 1]] && !sourceSide[_to[e]])
                total = checked(total + _capacity[e]);
        }

        return total;
    }

    private long OutFlow(int node)
    {
        long total = 0;
        for (var e = _head[node]; e >= 0; e = _next[e])
        {
            // An odd edge is the reverse of an edge coming into the node, whose flow is subtracted.
            var forward = e & ~1;
            var flow = _capacity[forward] - _residual[forward];
            total += (e & 1) == 0 ? flow : -flow;
        }

        return total;
    }

    private bool BuildLevels(int source, int sink)
    {
        Array.Fill(_level, -1);
        var queueLength = 0;
        _level[source] = 0;
        _queue[queueLength++] = source;
        for (var q = 0; q < queueLength; q++)
        {
            var u = _queue[q];
            for (var e = _head[u]; e >= 0; e = _next[e])
            {
                var w = _to[e];
                if (_residual[e] > 0 && _level[w] < 0)
                {
                    _level[w] = _level[u] + 1;
                    _queue[queueLength++] = w;
                }
            }
        }

        return _level[sink] >= 0;
    }

    // Iterative rather than recursive so that long level graphs cannot overflow the stack.
    private void AugmentBlockingFlow(int source, int sink, int[] path)
    {
        var length = 0;
        var u = source;
        while (true)
        {
            if (u == sink)
            {
                var push = long.MaxValue;
                for (var i = 0; i < length; i++)
                    push = Math.Min(push, _residual[path[i]]);

                var firstSaturated = -1;
                for (var i = 0; i < length; i++)
                {
                    var e = path[i];
                    _residual[e] -= push;
                    _residual[e ^ 1] += push;
                    if (firstSaturated < 0 && _residual[e] == 0)
                        firstSaturated = i;
                }

                // Resume from the tail of the first edge that filled up: the prefix before it still has room.
                length = firstSaturated;
                u = _to[path[length] ^ 1];
                continue;
            }

            var arc = _currentArc[u];
            while (arc >= 0 && (_residual[arc] == 0 || _level[_to[arc]] != _level[u] + 1))
                arc = _next[arc];
            _currentArc[u] = arc;

            if (arc >= 0)
            {
                path[length++] = arc;
                u = _to[arc];
                continue;
            }

            // Dead end: no augmenting path goes through u in this phase.
            _level[u] = -1;
            if (length == 0)
                return;
            length--;
            u = _to[path[length] ^ 1];
            _currentArc[u] = _next[_currentArc[u]];
        }
    }

    private void Link(int e, int from, int to, long capacity)
    {
        _to[e] = to;
        _residual[e] = capacity;
        _capacity[e] = capacity;
        _next[e] = _head[from];
        _head[from] = e;
    }

    private void Grow()
    {
        var size = _to.Length * 2;
        Array.Resize(ref _to, size);
        Array.Resize(ref _next, size);
        Array.Resize(ref _residual, size);
        Array.Resize(ref _capacity, size);
    }

    private void CheckNode(int node)
    {
        if ((uint)node >= (uint)NodeCount)
            throw new ArgumentOutOfRangeException(nameof(node), node, "No such node.");
    }

    private int CheckEdge(int edge)
    {
        if ((uint)edge >= (uint)EdgeCount)
            throw new ArgumentOutOfRangeException(nameof(edge), edge, "No such edge.");
        return edge;
    }
}
