using BatchSettle.Core.Money;

namespace BatchSettle.Core.Tests.Units;

/// <summary>
/// <see cref="FenMath.TryFromDecimalYuan"/>'s fast path (the decimal's integer and scale read directly) agrees with the
/// decimal arithmetic it short-cuts — multiply by 100, refuse a fraction of a fen or a value beyond a long — on the
/// edges and on random decimals of every scale and magnitude.
/// </summary>
public sealed class FenMathTests
{
    [Theory]
    [InlineData("0", true, 0)]
    [InlineData("-0", true, 0)]
    [InlineData("0.00", true, 0)]
    [InlineData("100", true, 10000)]
    [InlineData("100.0", true, 10000)]
    [InlineData("100.00", true, 10000)]
    [InlineData("100.000", true, 10000)] // scale 3, trailing zero: not the fast path, still exact
    [InlineData("0.01", true, 1)]
    [InlineData("-0.01", true, -1)]
    [InlineData("-12345.67", true, -1234567)]
    [InlineData("1.5", true, 150)]
    [InlineData("0.005", false, 0)]
    [InlineData("100.001", false, 0)]
    [InlineData("92233720368547758.07", true, long.MaxValue)]
    [InlineData("92233720368547758.08", false, 0)]
    [InlineData("-92233720368547758.08", true, long.MinValue)]
    [InlineData("-92233720368547758.09", false, 0)]
    [InlineData("79228162514264337593543950335", false, 0)]
    public void Edges(string yuan, bool ok, long fen)
    {
        var d = decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ok, FenMath.TryFromDecimalYuan(d, out long got));
        Assert.Equal(fen, got);
        Assert.Equal(Reference(d, out long want), ok);
        Assert.Equal(want, got);
    }

    [Fact]
    public void RandomDecimals_AgreeWithTheArithmetic()
    {
        var rng = new Random(20251203);
        for (int i = 0; i < 200_000; i++)
        {
            int lo = rng.Next(int.MinValue, int.MaxValue);
            int mid = rng.Next(4) switch { 0 => 0, 1 => rng.Next(0, 4), 2 => rng.Next(0, 1 << 24), _ => rng.Next(int.MinValue, int.MaxValue) };
            int hi = rng.Next(8) switch { 0 => rng.Next(0, 3), 1 => rng.Next(int.MinValue, int.MaxValue), _ => 0 };
            var d = new decimal(lo, mid, hi, rng.Next(2) == 0, (byte)rng.Next(0, 6));
            bool want = Reference(d, out long wantFen);
            bool got = FenMath.TryFromDecimalYuan(d, out long gotFen);
            Assert.True(want == got && wantFen == gotFen, $"{d}: {got}/{gotFen}, expected {want}/{wantFen}");
        }
    }

    // The arithmetic the fast path short-cuts (the method's own slow path, as it was before the fast path, except that
    // a value whose hundredfold overflows decimal is "not convertible" here too: the old code threw, and a Try method
    // must not — the validator now converts before its bound check).
    private static bool Reference(decimal yuan, out long fen)
    {
        decimal f;
        try
        {
            f = yuan * 100m;
        }
        catch (OverflowException)
        {
            fen = 0;
            return false;
        }
        if (f != decimal.Truncate(f) || f > long.MaxValue || f < long.MinValue)
        {
            fen = 0;
            return false;
        }
        fen = (long)f;
        return true;
    }
}
