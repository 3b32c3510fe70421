using Boyi.Domain.Planning;

namespace Boyi.Domain.Tests.Planning;

/// <summary>The solver is tested on general graphs, not just the planner's shape, because its min cut is the planner's proof.</summary>
public class FlowNetworkTests
{
    [Fact]
    public void MaxFlow_SolvesTheTextbookNetwork()
    {
        // Cormen et al., Introduction to Algorithms, figure 26.6: maximum flow 23.
        var network = new FlowNetwork(6);
        network.AddEdge(0, 1, 16);
        network.AddEdge(0, 2, 13);
        network.AddEdge(2, 1, 4);
        network.AddEdge(1, 3, 12);
        network.AddEdge(3, 2, 9);
        network.AddEdge(2, 4, 14);
        network.AddEdge(4, 3, 7);
        network.AddEdge(3, 5, 20);
        network.AddEdge(4, 5, 4);

        Assert.Equal(23, network.MaxFlow(0, 5));
        Assert.Equal(23, network.CutCapacity(network.ResidualReachable(0)));
    }

    [Fact]
    public void MaxFlow_UndoesAnEarlierChoice_WhenOnlyThatLetsMoreThrough()
    {
        // Shortest paths first would send s-a-b-t and block both s-a-t and s-b-t without the reverse edge a<-b.
        var network = new FlowNetwork(4);
        network.AddEdge(0, 1, 1);
        network.AddEdge(0, 2, 1);
        network.AddEdge(1, 2, 1);
        network.AddEdge(1, 3, 1);
        network.AddEdge(2, 3, 1);

        Assert.Equal(2, network.MaxFlow(0, 3));
    }

    [Fact]
    public void MaxFlow_IsZero_WhenTheSinkCannotBeReached()
    {
        var network = new FlowNetwork(3);
        network.AddEdge(0, 1, 5);
        network.AddEdge(2, 1, 5);

        Assert.Equal(0, network.MaxFlow(0, 2));
        Assert.Equal(0, network.CutCapacity(network.ResidualReachable(0)));
    }

    [Fact]
    public void AddEdge_Throws_ForNegativeCapacityOrUnknownNodes()
    {
        var network = new FlowNetwork(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.AddEdge(0, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.AddEdge(0, 2, 1));
        Assert.Throws<ArgumentException>(() => network.MaxFlow(1, 1));
    }

    [Fact]
    public void MaxFlow_EqualsTheBruteForceMinimumCut_OnRandomGraphs()
    {
        for (var seed = 1; seed <= 400; seed++)
        {
            var random = new Random(seed);
            var n = random.Next(2, 8);
            var edges = new List<(int From, int To, long Capacity)>();
            for (var u = 0; u < n; u++)
            {
                for (var v = 0; v < n; v++)
                {
                    if (u != v && random.NextDouble() < 0.45)
                        edges.Add((u, v, random.Next(0, 7)));
                }
            }

            if (n > 2 && random.Next(3) == 0)
                edges.Add((0, 1, random.Next(0, 7))); // a parallel edge

            var network = new FlowNetwork(n);
            var ids = edges.Select(e => network.AddEdge(e.From, e.To, e.Capacity)).ToArray();
            var flow = network.MaxFlow(0, n - 1);

            Assert.True(MinCutByEnumeration(n, edges) == flow, $"seed {seed}: flow {flow}");
            Assert.True(network.CutCapacity(network.ResidualReachable(0)) == flow, $"seed {seed}: residual cut");

            var balance = new long[n];
            for (var k = 0; k < ids.Length; k++)
            {
                var f = network.Flow(ids[k]);
                Assert.True(f >= 0 && f <= edges[k].Capacity, $"seed {seed}: edge {k} carries {f}");
                Assert.Equal(edges[k].From, network.From(ids[k]));
                Assert.Equal(edges[k].To, network.To(ids[k]));
                balance[edges[k].From] -= f;
                balance[edges[k].To] += f;
            }

            for (var v = 1; v < n - 1; v++)
                Assert.True(balance[v] == 0, $"seed {seed}: node {v} does not conserve flow");
            Assert.True(balance[n - 1] == flow, $"seed {seed}: sink receives {balance[n - 1]}");
        }
    }

    private static long MinCutByEnumeration(int n, List<(int From, int To, long Capacity)> edges)
    {
        var best = long.MaxValue;
        var middle = n - 2;
        for (var subset = 0; subset < 1 << middle; subset++)
        {
            bool SourceSide(int v) => v == 0 || (v != n - 1 && (subset & (1 << (v - 1))) != 0);
            var capacity = edges.Where(e => SourceSide(e.From) && !SourceSide(e.To)).Sum(e => e.Capacity);
            best = Math.Min(best, capacity);
        }

        return best;
    }
}
