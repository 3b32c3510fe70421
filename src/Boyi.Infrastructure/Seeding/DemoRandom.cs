namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small generator whose output is fixed by its algorithm,
/// unlike <see cref="System.Random"/>, whose sequence for a given seed may change between .NET versions.
/// Only integer arithmetic and exactly rounded floating-point operations are used, so the same seed
/// gives the same numbers on every runtime and machine.
/// </summary>
internal sealed class DemoRandom
{
    private ulong _s0, _s1, _s2, _s3;

    private DemoRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>
    /// An independent stream for one purpose (<paramref name="stream"/>) and one item (<paramref name="index"/>)
    /// of one county, so that changing how one part is generated leaves every other part as it was.
    /// </summary>
    public static DemoRandom For(ulong seed, int countyId, string stream, long index = 0)
    {
        var h = Mix(seed ^ 0x426F7969_44656D6FUL);   // "BoyiDemo"
        h = Mix(h ^ (ulong)countyId);
        foreach (var c in stream)
            h = Mix(h ^ c);
        h = Mix(h ^ (ulong)index);
        return new DemoRandom(h);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="n"/>), without modulo bias (Lemire's method).</summary>
    public int Next(int n)
    {
        if (n <= 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, "Must be positive.");
        var bound = (ulong)n;
        var threshold = (0UL - bound) % bound;
        while (true)
        {
            var product = (UInt128)NextUInt64() * bound;
            if ((ulong)product >= threshold)
                return (int)(ulong)(product >> 64);
        }
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (both included).</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Between(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>True with probability <paramref name="per1000"/>/1000.</summary>
    public bool Chance(int per1000) => Next(1000) < per1000;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Picks an index with probability proportional to its integer weight.</summary>
    public int PickWeighted(IReadOnlyList<int> weights, int total)
    {
        var r = Next(total);
        for (var i = 0; i < weights.Count; i++)
        {
            r -= weights[i];
            if (r < 0)
                return i;
        }

        throw new InvalidOperationException("The weights add up to less than the given total.");
    }

    /// <summary>Fisher–Yates shuffle of the whole list.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
