using Boyi.Domain.Registry;

namespace Boyi.Domain.Planning;

/// <summary>
/// Plans which cadre takes which unpaired household so that as many households as possible are covered
/// (不漏一家一户), and proves the plan optimal with a minimum cut.
/// </summary>
/// <remarks>
/// Households of one village are interchangeable to every cadre, so the flow network has one node per
/// village rather than per household: source → town pool (town-scope slots) and village pool
/// (village-scope slots) → village → sink (the village's unpaired households). That keeps the network at
/// tens of thousands of nodes for a whole province.
/// </remarks>
public static class PairingPlanner
{
    private const int Source = 0;
    private const int Sink = 1;
    private const int NoNode = -1;
    private const int NoEdge = -1;

    public static PlannerResult Plan(IReadOnlyList<PlannerCadre> cadres, IReadOnlyList<PlannerHousehold> households)
    {
        ArgumentNullException.ThrowIfNull(cadres);
        ArgumentNullException.ThrowIfNull(households);

        var places = Places.Index(households);
        var slots = Slots.Group(cadres, places);
        var network = Network.Build(places, slots);

        var flow = network.Graph.MaxFlow(Source, Sink);
        var sourceSide = network.Graph.ResidualReachable(Source);
        var cut = network.Graph.CutCapacity(sourceSide);
        if (cut != flow)
            throw new InvalidOperationException($"Max flow {flow} differs from the cut {cut}: the flow solver is wrong.");
        var covered = checked((int)flow);

        var certificate = Certify(places, slots, network, sourceSide);
        var plan = Disaggregate(places, slots, network, covered);
        var shortfalls = Shortfalls(places, plan.CoveredByVillage);

        var result = new PlannerResult(plan.Pairings.AsReadOnly(), households.Count, checked((int)cut),
            certificate.AsReadOnly(), shortfalls.AsReadOnly());
        result.Validate(cadres, households, plan.CadreOfPairing, plan.HouseholdOfPairing);
        return result;
    }

    /// <summary>
    /// Turns village-level flows into household-level pairings. Village cadres go first because they can
    /// serve nowhere else; the town's slots then go to the earliest households, in input priority order,
    /// that their own village cadres could not take. Once village slots are preferred, every maximum flow
    /// gives each town the same number of town slots to hand out (towns are independent parts of the
    /// network), so the only freedom left is which households get them, and priority decides that.
    /// </summary>
    private static Disaggregated Disaggregate(Places places, Slots slots, Network network, int covered)
    {
        var villageCount = places.VillageCount;
        var villageSlotsUsed = new int[villageCount];
        var townBudget = new long[places.TownCount];
        for (var v = 0; v < villageCount; v++)
        {
            var fromVillagePool = network.VillagePoolEdge[v] != NoEdge ? network.Graph.Flow(network.VillagePoolEdge[v]) : 0;
            var fromTownPool = network.TownPoolEdge[v] != NoEdge ? network.Graph.Flow(network.TownPoolEdge[v]) : 0;

            // A maximum flow may route a village through town slots while its own village slots sit idle;
            // shifting those units back to the village pool keeps the total and frees town slots.
            var shift = Math.Min(slots.VillageCapacity[v] - fromVillagePool, fromTownPool);
            villageSlotsUsed[v] = checked((int)(fromVillagePool + shift));
            townBudget[places.TownOfVillage[v]] += fromTownPool - shift;
        }

        var plan = new Disaggregated(covered, villageCount);
        var count = 0;
        var rankInVillage = new int[villageCount];
        var cursor = new SlotCursor(slots);
        var householdCount = places.VillageOfHousehold.Length;
        for (var i = 0; i < householdCount; i++)
        {
            var v = places.VillageOfHousehold[i];
            var t = places.TownOfVillage[v];
            int slot;
            if (rankInVillage[v]++ < villageSlotsUsed[v])
            {
                slot = cursor.Take(slots.VillageGroup(v));
            }
            else if (townBudget[t] > 0)
            {
                townBudget[t]--;
                slot = cursor.Take(slots.TownGroup(t));
            }
            else
            {
                continue;
            }

            if (count == covered)
                throw new InvalidOperationException("The disaggregated plan covers more households than the flow.");
            plan.Pairings[count] = new ProposedPairing(slots.CadreIds[slot], places.HouseholdIds[i]);
            plan.CadreOfPairing[count] = slots.CadrePositions[slot];
            plan.HouseholdOfPairing[count] = i;
            plan.CoveredByVillage[v]++;
            count++;
        }

        if (count != covered)
            throw new InvalidOperationException($"The disaggregated plan covers {count} households, the flow {covered}.");
        return plan;
    }

    /// <summary>The pairings plus, for the final check, the input position of each one's cadre and household.</summary>
    private sealed class Disaggregated(int covered, int villageCount)
    {
        public ProposedPairing[] Pairings { get; } = new ProposedPairing[covered];
        public int[] CadreOfPairing { get; } = new int[covered];
        public int[] HouseholdOfPairing { get; } = new int[covered];
        public int[] CoveredByVillage { get; } = new int[villageCount];
    }

    private static CutTerm[] Certify(Places places, Slots slots, Network network, bool[] sourceSide)
    {
        var terms = new List<CutTerm>();
        var lastTown = -1;
        foreach (var v in places.VillagesByTownThenId)
        {
            var t = places.TownOfVillage[v];
            var townId = places.TownIds[t];
            var villageId = places.VillageIds[v];
            var households = places.HouseholdsInVillage[v];

            if (t != lastTown)
            {
                lastTown = t;
                var townPool = network.TownPoolNode[t];
                if (townPool != NoNode && !sourceSide[townPool])
                {
                    var capacity = checked((int)slots.TownCapacity[t]);
                    terms.Add(new CutTerm(CutTermKind.TownCadreSlots, townId, null, capacity,
                        $"town {townId}: bounded by the {Count(capacity, "slot")} of town cadres"));
                }
            }

            var villagePool = network.VillagePoolNode[v];
            if (sourceSide[network.VillageNode(v)])
            {
                terms.Add(new CutTerm(CutTermKind.VillageHouseholds, townId, villageId, households,
                    $"village {villageId}: {Count(households, "unpaired household")}, bounded by its households"));
            }
            else if (villagePool != NoNode && !sourceSide[villagePool])
            {
                var capacity = checked((int)slots.VillageCapacity[v]);
                terms.Add(new CutTerm(CutTermKind.VillageCadreSlots, townId, villageId, capacity,
                    $"village {villageId}: {Count(households, "unpaired household")}, bounded by the {Count(capacity, "slot")} of its village cadres"));
            }
            else if (villagePool == NoNode && network.TownPoolNode[t] == NoNode)
            {
                terms.Add(new CutTerm(CutTermKind.NoCadre, townId, villageId, 0,
                    $"village {villageId}: {Count(households, "unpaired household")}, no cadre with a free slot can reach it"));
            }
        }

        return terms.ToArray();
    }

    private static VillageShortfall[] Shortfalls(Places places, int[] coveredByVillage)
    {
        var shortfalls = new List<VillageShortfall>();
        foreach (var v in places.VillagesByTownThenId)
        {
            var missing = places.HouseholdsInVillage[v] - coveredByVillage[v];
            if (missing > 0)
                shortfalls.Add(new VillageShortfall(places.TownIds[places.TownOfVillage[v]], places.VillageIds[v], missing));
        }

        return shortfalls.ToArray();
    }

    /// <summary>Sorting a copy costs about what hashing a million ids does, in one flat array instead of a hash table.</summary>
    private static long? FirstDuplicate(long[] ids)
    {
        var sorted = (long[])ids.Clone();
        Array.Sort(sorted);
        for (var k = 1; k < sorted.Length; k++)
        {
            if (sorted[k] == sorted[k - 1])
                return sorted[k];
        }

        return null;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>Dense indices for the towns and villages that have unpaired households.</summary>
    private sealed class Places
    {
        public required long[] TownIds { get; init; }
        public required long[] VillageIds { get; init; }
        public required int[] TownOfVillage { get; init; }
        public required int[] HouseholdsInVillage { get; init; }
        public required long[] HouseholdIds { get; init; }
        public required int[] VillageOfHousehold { get; init; }
        public required int[] VillagesByTownThenId { get; init; }
        public required Dictionary<long, int> TownIndex { get; init; }
        public required Dictionary<long, int> VillageIndex { get; init; }

        public int TownCount => TownIds.Length;
        public int VillageCount => VillageIds.Length;

        public static Places Index(IReadOnlyList<PlannerHousehold> households)
        {
            var townIndex = new Dictionary<long, int>();
            var villageIndex = new Dictionary<long, int>();
            var townIds = new List<long>();
            var villageIds = new List<long>();
            var townOfVillage = new List<int>();
            var householdsInVillage = new List<int>();
            var householdIds = new long[households.Count];
            var villageOfHousehold = new int[households.Count];

            // Worklists usually come grouped by village, so the previous village spares most lookups.
            var lastVillageId = 0L;
            var lastVillage = -1;
            for (var i = 0; i < households.Count; i++)
            {
                var household = households[i]
                    ?? throw new ArgumentException($"Household at position {i} is null.", nameof(households));
                householdIds[i] = household.HouseholdId;

                var v = lastVillage;
                if (v < 0 || household.VillageId != lastVillageId)
                {
                    if (!villageIndex.TryGetValue(household.VillageId, out v))
                    {
                        if (!townIndex.TryGetValue(household.TownId, out var t))
                        {
                            t = townIds.Count;
                            townIndex.Add(household.TownId, t);
                            townIds.Add(household.TownId);
                        }

                        v = villageIds.Count;
                        villageIndex.Add(household.VillageId, v);
                        villageIds.Add(household.VillageId);
                        townOfVillage.Add(t);
                        householdsInVillage.Add(0);
                    }

                    lastVillage = v;
                    lastVillageId = household.VillageId;
                }

                if (townIds[townOfVillage[v]] != household.TownId)
                {
                    throw new ArgumentException(
                        $"Village {household.VillageId} is given in towns {townIds[townOfVillage[v]]} and {household.TownId}.",
                        nameof(households));
                }

                householdsInVillage[v]++;
                villageOfHousehold[i] = v;
            }

            var duplicate = FirstDuplicate(householdIds);
            if (duplicate is not null)
                throw new ArgumentException($"Household {duplicate} is listed twice.", nameof(households));

            var townIdArray = townIds.ToArray();
            var villageIdArray = villageIds.ToArray();
            var townOfVillageArray = townOfVillage.ToArray();
            var order = new int[villageIdArray.Length];
            for (var v = 0; v < order.Length; v++)
                order[v] = v;
            Array.Sort(order, (a, b) =>
            {
                var byTown = townIdArray[townOfVillageArray[a]].CompareTo(townIdArray[townOfVillageArray[b]]);
                return byTown != 0 ? byTown : villageIdArray[a].CompareTo(villageIdArray[b]);
            });

            return new Places
            {
                TownIds = townIdArray,
                VillageIds = villageIdArray,
                TownOfVillage = townOfVillageArray,
                HouseholdsInVillage = householdsInVillage.ToArray(),
                HouseholdIds = householdIds,
                VillageOfHousehold = villageOfHousehold,
                VillagesByTownThenId = order,
                TownIndex = townIndex,
                VillageIndex = villageIndex,
            };
        }
    }

    /// <summary>
    /// The useful cadres grouped by where they serve: group v for village v's village cadres, group
    /// VillageCount + t for town t's town cadres; each group in ascending CadreId order.
    /// </summary>
    private sealed class Slots
    {
        private readonly int _villageCount;

        private Slots(int villageCount, int townCount, int[] groupStart, long[] cadreIds, int[] cadrePositions, int[] capacities)
        {
            _villageCount = villageCount;
            GroupStart = groupStart;
            CadreIds = cadreIds;
            CadrePositions = cadrePositions;
            Capacities = capacities;
            VillageCapacity = new long[villageCount];
            TownCapacity = new long[townCount];
            for (var g = 0; g < villageCount + townCount; g++)
            {
                long total = 0;
                for (var k = groupStart[g]; k < groupStart[g + 1]; k++)
                    total += capacities[k];
                if (g < villageCount)
                    VillageCapacity[g] = total;
                else
                    TownCapacity[g - villageCount] = total;
            }
        }

        public int[] GroupStart { get; }
        public long[] CadreIds { get; }

        /// <summary>Where each slot's cadre is in the planner's input list.</summary>
        public int[] CadrePositions { get; }

        public int[] Capacities { get; }
        public long[] VillageCapacity { get; }
        public long[] TownCapacity { get; }

        public int VillageGroup(int village) => village;

        public int TownGroup(int town) => _villageCount + town;

        public static Slots Group(IReadOnlyList<PlannerCadre> cadres, Places places)
        {
            var groupCount = places.VillageCount + places.TownCount;
            var ids = new long[cadres.Count];
            var groupOf = new int[cadres.Count];
            var capacityOf = new int[cadres.Count];
            var groupStart = new int[groupCount + 1];
            for (var i = 0; i < cadres.Count; i++)
            {
                var cadre = cadres[i] ?? throw new ArgumentException($"Cadre at position {i} is null.", nameof(cadres));
                if (cadre.Scope == PairingScope.Village && cadre.VillageId is null)
                    throw new ArgumentException($"Cadre {cadre.CadreId} has village scope but no village.", nameof(cadres));
                ids[i] = cadre.CadreId;
                capacityOf[i] = cadre.RemainingCapacity;
                var g = GroupOf(cadre, places);
                groupOf[i] = g;
                if (g >= 0)
                    groupStart[g + 1]++;
            }

            var duplicate = FirstDuplicate(ids);
            if (duplicate is not null)
                throw new ArgumentException($"Cadre {duplicate} is listed twice.", nameof(cadres));

            for (var g = 0; g < groupCount; g++)
                groupStart[g + 1] += groupStart[g];
            var fill = (int[])groupStart.Clone();
            var slotCount = groupStart[groupCount];
            var cadreIds = new long[slotCount];
            var cadrePositions = new int[slotCount];
            for (var i = 0; i < cadres.Count; i++)
            {
                var g = groupOf[i];
                if (g < 0)
                    continue;
                var at = fill[g]++;
                cadreIds[at] = ids[i];
                cadrePositions[at] = i;
            }

            // Groups are small (tens of cadres), so sorting each one is cheaper than sorting them all.
            for (var g = 0; g < groupCount; g++)
            {
                var length = groupStart[g + 1] - groupStart[g];
                if (length > 1)
                    Array.Sort(cadreIds, cadrePositions, groupStart[g], length);
            }

            var capacities = new int[slotCount];
            for (var k = 0; k < slotCount; k++)
                capacities[k] = capacityOf[cadrePositions[k]];

            return new Slots(places.VillageCount, places.TownCount, groupStart, cadreIds, cadrePositions, capacities);
        }

        /// <summary>The cadre's group, or -1 when it can take none of the given households.</summary>
        private static int GroupOf(PlannerCadre cadre, Places places)
        {
            if (cadre.RemainingCapacity <= 0)
                return -1;

            switch (cadre.Scope)
            {
                case PairingScope.Village when places.VillageIndex.TryGetValue(cadre.VillageId!.Value, out var v):
                    if (places.TownIds[places.TownOfVillage[v]] != cadre.TownId)
                    {
                        throw new ArgumentException(
                            $"Cadre {cadre.CadreId} links village {cadre.VillageId} in town {cadre.TownId}, but the households place that village in town {places.TownIds[places.TownOfVillage[v]]}.",
                            "cadres");
                    }

                    return v;
                case PairingScope.Town when places.TownIndex.TryGetValue(cadre.TownId, out var t):
                    return places.VillageCount + t;
                default:
                    return -1;
            }
        }
    }

    /// <summary>Hands out slots group by group, filling each cadre before moving to the next id.</summary>
    private sealed class SlotCursor(Slots slots)
    {
        private readonly int[] _position = (int[])slots.GroupStart.Clone();
        private readonly int[] _usedOfCurrent = new int[slots.GroupStart.Length];

        /// <summary>Returns the slot position of the cadre that takes the next household of the group.</summary>
        public int Take(int group)
        {
            var k = _position[group];
            while (k < slots.GroupStart[group + 1] && _usedOfCurrent[group] >= slots.Capacities[k])
            {
                k++;
                _usedOfCurrent[group] = 0;
            }

            if (k == slots.GroupStart[group + 1])
                throw new InvalidOperationException("The plan uses more slots than the cadres have.");
            _position[group] = k;
            _usedOfCurrent[group]++;
            return k;
        }
    }

    private sealed class Network
    {
        public required FlowNetwork Graph { get; init; }
        public required int[] TownPoolNode { get; init; }
        public required int[] VillagePoolNode { get; init; }

        /// <summary>Per village: the edge from its village pool, or -1.</summary>
        public required int[] VillagePoolEdge { get; init; }

        /// <summary>Per village: the edge from its town's pool, or -1.</summary>
        public required int[] TownPoolEdge { get; init; }

        public int VillageNode(int village) => 2 + village;

        public static Network Build(Places places, Slots slots)
        {
            var villageCount = places.VillageCount;
            var townCount = places.TownCount;
            var next = 2 + villageCount;

            var townPoolNode = new int[townCount];
            for (var t = 0; t < townCount; t++)
                townPoolNode[t] = slots.TownCapacity[t] > 0 ? next++ : NoNode;
            var villagePoolNode = new int[villageCount];
            for (var v = 0; v < villageCount; v++)
                villagePoolNode[v] = slots.VillageCapacity[v] > 0 ? next++ : NoNode;

            var graph = new FlowNetwork(next, townCount + 3 * villageCount);
            var villagePoolEdge = new int[villageCount];
            var townPoolEdge = new int[villageCount];
            for (var v = 0; v < villageCount; v++)
            {
                var node = 2 + v;
                graph.AddEdge(node, Sink, places.HouseholdsInVillage[v]);

                villagePoolEdge[v] = NoEdge;
                if (villagePoolNode[v] != NoNode)
                {
                    graph.AddEdge(Source, villagePoolNode[v], slots.VillageCapacity[v]);
                    villagePoolEdge[v] = graph.AddEdge(villagePoolNode[v], node, FlowNetwork.Infinite);
                }

                var townPool = townPoolNode[places.TownOfVillage[v]];
                townPoolEdge[v] = townPool != NoNode ? graph.AddEdge(townPool, node, FlowNetwork.Infinite) : NoEdge;
            }

            // Added last so the solver tries town slots first. Any maximum flow is correct; this one is the
            // least convenient for Disaggregate, which keeps its preference for village slots honest and tested.
            for (var t = 0; t < townCount; t++)
            {
                if (townPoolNode[t] != NoNode)
                    graph.AddEdge(Source, townPoolNode[t], slots.TownCapacity[t]);
            }

            return new Network
            {
                Graph = graph,
                TownPoolNode = townPoolNode,
                VillagePoolNode = villagePoolNode,
                VillagePoolEdge = villagePoolEdge,
                TownPoolEdge = townPoolEdge,
            };
        }
    }
}
