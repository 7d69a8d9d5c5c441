using System.Numerics;

namespace BatchSettle.Generator;

/// <summary>
/// xoshiro256** seeded through SplitMix64 (Blackman &amp; Vigna). Our own generator, not <see cref="Random"/>, so that a
/// seed produces the same files on every runtime version: the algorithm is fixed here and never changes.
/// A mutable struct: keep it in a field or a local and call it in place, never copy it.
/// </summary>
internal struct Xoshiro256
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>One SplitMix64 step; also a good 64-bit mixer for deriving independent seeds.</summary>
    public static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A generator for stream <paramref name="stream"/> of <paramref name="seed"/> (e.g. one per person).</summary>
    public static Xoshiro256 ForStream(ulong seed, ulong stream)
    {
        ulong x = seed ^ (stream * 0xD1B54A32D192ED03UL);
        return new Xoshiro256(SplitMix64(ref x));
    }

    public ulong Next()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, n) by multiply-shift (Lemire); the bias for n far below 2^64 is negligible here.</summary>
    public int Below(int n)
    {
        if (n <= 1) return 0;
        return (int)(((UInt128)Next() * (ulong)n) >> 64);
    }

    /// <summary>Uniform in [lo, hi] inclusive.</summary>
    public long Between(long lo, long hi)
    {
        if (hi <= lo) return lo;
        ulong span = (ulong)(hi - lo) + 1;
        return lo + (long)(((UInt128)Next() * span) >> 64);
    }

    /// <summary>True with probability <paramref name="permille"/>/1000.</summary>
    public bool Permille(int permille) => Below(1000) < permille;

    /// <summary>Index drawn from integer <paramref name="weights"/> (any total).</summary>
    public int Pick(ReadOnlySpan<int> weights)
    {
        int total = 0;
        foreach (int w in weights) total += w;
        int r = Below(total);
        for (int i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0) return i;
        }
        return weights.Length - 1;
    }
}
