using System.Runtime.CompilerServices;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BatchSettle.Core.Money;

/// <summary>
/// Integer money: every amount is a <see cref="long"/> count of fen (0.01 yuan), every ratio basis points
/// (1/10,000). Rounding is half up (away from zero), POLICY.md §2. Decimal appears only at the edges.
/// </summary>
public static class FenMath
{
    /// <summary>Basis points in 100 %.</summary>
    public const int FullBp = 10_000;

    /// <summary>round_half_up(fen × bp / 10000), exact in integers; negative amounts round away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MulBp(long fen, int bp)
    {
        long p = checked(fen * bp);
        long q = p / FullBp;
        long r = p % FullBp;
        if (r >= FullBp / 2) q++;
        else if (r <= -FullBp / 2) q--;
        return q;
    }

    /// <summary>Parses a yuan amount with at most two decimals ("1234.5", "-12.34", "7") into fen. No exponent, no spaces.</summary>
    public static bool TryParseYuan(ReadOnlySpan<char> s, out long fen)
    {
        fen = 0;
        if (s.IsEmpty) return false;
        bool neg = false;
        int i = 0;
        if (s[0] == '-') { neg = true; i = 1; }
        else if (s[0] == '+') { i = 1; }
        if (i >= s.Length) return false;
        long whole = 0;
        int digits = 0;
        for (; i < s.Length && s[i] != '.'; i++)
        {
            int d = s[i] - '0';
            if ((uint)d > 9) return false;
            if (++digits > 15) return false;
            whole = (whole * 10) + d;
        }
        long frac = 0;
        if (i < s.Length)
        {
            i++; // '.'
            int fd = 0;
            for (; i < s.Length; i++)
            {
                int d = s[i] - '0';
                if ((uint)d > 9) return false;
                if (++fd > 2) return false;
                frac = (frac * 10) + d;
            }
            if (fd == 0) return false;
            if (fd == 1) frac *= 10;
        }
        if (digits == 0) return false;
        fen = (whole * 100) + frac;
        if (neg) fen = -fen;
        return true;
    }

    /// <summary>Converts a decimal yuan amount to fen; false when it has more than two decimals or is out of range.</summary>
    public static bool TryFromDecimalYuan(decimal yuan, out long fen)
    {
        // Fast path, exact: a decimal is a 96-bit integer over 10^scale; with scale <= 2 and the integer within a long
        // (every staged amount: numeric(…, 2)), fen is that integer times 10^(2 - scale). The runner converts five
        // amounts a claim; decimal multiply, truncate and compare cost ~40 ns each (docs/PERFORMANCE.md "Ninth round").
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(yuan, bits);
        int scale = (bits[3] >> 16) & 0xFF;
        if (bits[2] == 0 && scale <= 2)
        {
            ulong mag = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
            if (mag <= long.MaxValue / 100)
            {
                long v = (long)mag * (scale == 0 ? 100 : scale == 1 ? 10 : 1);
                fen = bits[3] < 0 ? -v : v;
                return true;
            }
        }
        // Beyond a long's fen (and beyond what yuan * 100 can hold without an OverflowException): not convertible.
        if (yuan >= 100_000_000_000_000_000m || yuan <= -100_000_000_000_000_000m)
        {
            fen = 0;
            return false;
        }
        decimal f = yuan * 100m;
        if (f != decimal.Truncate(f) || f > long.MaxValue || f < long.MinValue)
        {
            fen = 0;
            return false;
        }
        fen = (long)f;
        return true;
    }

    /// <summary>Fen as a decimal yuan amount (exact).</summary>
    public static decimal ToDecimalYuan(long fen) => fen / 100m;

    /// <summary>Fen as "1234.50" / "-0.05".</summary>
    public static string FormatYuan(long fen)
    {
        Span<char> buf = stackalloc char[24];
        return TryFormatYuan(fen, buf, out int n) ? new string(buf[..n]) : ThrowFormat();
    }

    /// <summary>Formats fen as yuan with two decimals into <paramref name="dest"/>, allocation-free.</summary>
    public static bool TryFormatYuan(long fen, Span<char> dest, out int written)
    {
        written = 0;
        int pos = 0;
        ulong abs;
        if (fen < 0)
        {
            if (dest.Length < 1) return false;
            dest[pos++] = '-';
            abs = (ulong)(-(fen + 1)) + 1;
        }
        else
        {
            abs = (ulong)fen;
        }
        if (!(abs / 100).TryFormat(dest[pos..], out int w, default, CultureInfo.InvariantCulture)) return false;
        pos += w;
        if (dest.Length < pos + 3) return false;
        ulong c = abs % 100;
        dest[pos++] = '.';
        dest[pos++] = (char)('0' + (int)(c / 10));
        dest[pos++] = (char)('0' + (int)(c % 10));
        written = pos;
        return true;
    }

    /// <summary>Basis points as a ratio with four decimals: 6500 → "0.6500".</summary>
    public static string FormatRatio(int bp) =>
        string.Create(CultureInfo.InvariantCulture, $"{bp / FullBp}.{bp % FullBp:D4}");

    [DoesNotReturn]
    private static string ThrowFormat() => throw new InvalidOperationException("fen amount could not be formatted");
}
