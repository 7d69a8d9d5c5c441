using System.Security.Cryptography;
using BatchSettle.Data.Runs;

namespace BatchSettle.Data.Tests.Security;

/// <summary>
/// The row digest's HMAC-SHA256 on libcrypto's SHA-256 functions (<see cref="DirectHmacSha256"/>) gives .NET's
/// <see cref="HMACSHA256"/> bytes for every key length (empty, short, one block, longer than a block: hashed first)
/// and every message length around the 64-byte block and its padding boundary, appended whole or in pieces; and a
/// <see cref="RowDigest"/> on it sums to the same digest as one on .NET's HMAC, so seals made either way agree.
/// </summary>
public sealed class DirectHmacSha256Tests
{
    [Fact]
    public void IsAvailable_OnLinux()
    {
        // The container image and the CI machine are Linux with libcrypto.so.3: if the direct path were silently
        // unavailable there, the other tests here would compare .NET's HMAC with itself.
        Assert.True(!OperatingSystem.IsLinux() || DirectHmacSha256.Available);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    public void EqualsHmacSha256_ForEveryMessageLength_WholeOrInPieces(int keyLength)
    {
        if (!DirectHmacSha256.Available) return; // checked by IsAvailable_OnLinux
        var rng = new Random(keyLength + 1);
        var key = new byte[keyLength];
        rng.NextBytes(key);
        using var direct = DirectHmacSha256.TryCreate(key)!;
        Span<byte> got = stackalloc byte[32];
        for (int len = 0; len <= 1100; len += len < 200 ? 1 : 13)
        {
            var msg = new byte[len];
            rng.NextBytes(msg);
            var want = HMACSHA256.HashData(key, msg);

            direct.Append(msg);
            direct.GetHashAndReset(got);
            Assert.True(want.AsSpan().SequenceEqual(got), $"key {keyLength}, message {len}, whole");

            // In up to three pieces, one of them possibly empty.
            int a = len == 0 ? 0 : rng.Next(len + 1), b = a + (len - a == 0 ? 0 : rng.Next(len - a + 1));
            direct.Append(msg.AsSpan(0, a));
            direct.Append(msg.AsSpan(a, b - a));
            direct.Append(msg.AsSpan(b));
            direct.GetHashAndReset(got);
            Assert.True(want.AsSpan().SequenceEqual(got), $"key {keyLength}, message {len}, pieces at {a} and {b}");
        }
    }

    [Fact]
    public void AHashWithNothingAppended_IsTheEmptyMessages()
    {
        if (!DirectHmacSha256.Available) return;
        var key = RandomNumberGenerator.GetBytes(32);
        using var direct = DirectHmacSha256.TryCreate(key)!;
        var got = new byte[32];
        direct.GetHashAndReset(got);
        Assert.Equal(HMACSHA256.HashData(key, Array.Empty<byte>()), got);
    }

    [Fact]
    public void RowDigest_Direct_EqualsRowDigest_Evp()
    {
        var key = RowDigest.DeriveKey(RandomNumberGenerator.GetBytes(32));
        using var direct = new RowDigest(key, direct: true);
        using var evp = new RowDigest(key, direct: false);
        Assert.False(evp.IsDirect);
        Assert.Equal(DirectHmacSha256.Available, direct.IsDirect);
        var rng = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            var row = new byte[rng.Next(300, 900)];
            rng.NextBytes(row);
            int cut = rng.Next(row.Length);
            foreach (var d in new[] { direct, evp })
            {
                d.Append(row.AsSpan(0, cut));
                d.Append(row.AsSpan(cut));
                if (i % 3 == 0) d.EndLedgerEntry(1 + i % 4);
                else d.EndResult();
            }
        }
        Assert.Equal(evp.ResultsValue, direct.ResultsValue);
        Assert.Equal(evp.LedgerValue, direct.LedgerValue);
        Assert.Equal((evp.Results, evp.LedgerLines), (direct.Results, direct.LedgerLines));
        Assert.Equal(RowDigest.Digest(evp.ResultsValue, evp.LedgerValue), RowDigest.Digest(direct.ResultsValue, direct.LedgerValue));
    }

    [Fact]
    public void AfterDispose_Throws_AndDisposingTwiceIsHarmless()
    {
        if (!DirectHmacSha256.Available) return;
        var direct = DirectHmacSha256.TryCreate([1, 2, 3])!;
        direct.Dispose();
        direct.Dispose();
        Assert.Throws<ObjectDisposedException>(() => direct.Append([1]));
    }
}
