using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace BatchSettle.Data.Runs;

/// <summary>
/// The run seal's digest, version 2 (migration 096; issue 16): a keyed multiset hash of the run's rows, computed by the
/// runner from the bytes it sends, so sealing a run no longer re-reads and re-hashes every row on the server (the
/// version-1 digest, <see cref="RunDigest"/>, cost ~25 µs of PostgreSQL CPU a claim: about a fifth of a run).
/// <para>
/// An element is one result row, or all ledger lines of one entry (a claim's posting, lines in line_no order). Its
/// bytes are the rows' binary COPY tuples (field count, then each field's length and its binary send form) — exactly
/// what <c>COPY … TO STDOUT (FORMAT BINARY)</c> gives back for the same columns, which is how <c>reconcile</c> checks
/// it. Each element is hashed with HMAC-SHA256 (<see cref="DirectHmacSha256"/>; .NET's HMAC where libcrypto's SHA-256
/// functions are not available) under a key derived from the seal key (outside the database), and the
/// digest is the sum of the element hashes modulo 2^256, results and ledger apart. A sum does not depend on the order
/// or on which partition, chunk or attempt wrote a row, so every chunk adds its part to its partition's running sum
/// in the transaction that commits its rows (exactly once, like the rows). Without the key no one can compute an
/// element's hash, so no edit, deletion or addition of rows can be balanced by another (the generalized-birthday
/// attack on unkeyed additive hashes needs the element hashes).
/// </para>
/// Digest bytes: <c>0x02 ‖ results sum (32 bytes, big-endian) ‖ ledger sum (32 bytes)</c>; a version-1 digest is a bare
/// SHA-256 (32 bytes), so the length says which one a seal holds.
/// </summary>
internal sealed class RowDigest : IDisposable
{
    public const byte Version = 2;
    public const int DigestLength = 65;

    private static readonly Lazy<byte[]> ProcessKey = new(() => DeriveKey(Infrastructure.SealKey.Get()));

    // One of the two: libcrypto's SHA-256 called directly (DirectHmacSha256), or .NET's HMAC where that is not
    // available or BATCHSETTLE_DIGEST_EVP=1 asks for it (the A/B switch of docs/PERFORMANCE.md "Ninth round"). Both
    // are HMAC-SHA256: the same element hashes, the same digest.
    private readonly DirectHmacSha256? _direct;
    private readonly IncrementalHash? _hmac;
    private readonly byte[] _element = new byte[32];
    private Sum256 _results;
    private Sum256 _ledger;
    private bool _open;

    public RowDigest() : this(ProcessKey.Value)
    {
    }

    public RowDigest(byte[] key) : this(key, direct: !EvpRequested)
    {
    }

    /// <summary>With <paramref name="direct"/> false, .NET's HMAC (OpenSSL's EVP interface) even where libcrypto's
    /// SHA-256 functions are available (tests compare the two).</summary>
    internal RowDigest(byte[] key, bool direct)
    {
        _direct = direct ? DirectHmacSha256.TryCreate(key) : null;
        if (_direct is null) _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    }

    private static readonly bool EvpRequested = Environment.GetEnvironmentVariable("BATCHSETTLE_DIGEST_EVP") == "1";

    /// <summary>Whether the element hashes are computed by <see cref="DirectHmacSha256"/>.</summary>
    internal bool IsDirect => _direct is not null;

    /// <summary>Result rows added.</summary>
    public long Results { get; private set; }

    /// <summary>Ledger lines added (the seal counts lines, not entries).</summary>
    public long LedgerLines { get; private set; }

    /// <summary>The element key: HMAC-SHA256(seal key, "batchsettle-row-digest-v2").</summary>
    public static byte[] DeriveKey(byte[] sealKey) =>
        HMACSHA256.HashData(sealKey, Encoding.ASCII.GetBytes("batchsettle-row-digest-v2"));

    public void Reset()
    {
        _results = default;
        _ledger = default;
        Results = 0;
        LedgerLines = 0;
        if (_open) HashAndReset();
        _open = false;
    }

    /// <summary>Appends bytes of the element being built.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        if (_direct is not null) _direct.Append(bytes);
        else _hmac!.AppendData(bytes);
        _open = true;
    }

    /// <summary>Ends the element built so far as one result row.</summary>
    public void EndResult()
    {
        HashAndReset();
        _open = false;
        _results.Add(_element);
        Results++;
    }

    /// <summary>Ends the element built so far as one ledger entry of <paramref name="lines"/> lines (none: nothing).</summary>
    public void EndLedgerEntry(int lines)
    {
        if (lines == 0) return;
        HashAndReset();
        _open = false;
        _ledger.Add(_element);
        LedgerLines += lines;
    }

    /// <summary>The results sum so far (not reduced).</summary>
    public BigInteger ResultsValue => _results.ToBigInteger();

    /// <summary>The ledger sum so far (not reduced).</summary>
    public BigInteger LedgerValue => _ledger.ToBigInteger();

    /// <summary>The digest bytes from the two sums (reduced modulo 2^256).</summary>
    public static byte[] Digest(BigInteger results, BigInteger ledger)
    {
        var d = new byte[DigestLength];
        d[0] = Version;
        Write(results, d.AsSpan(1, 32));
        Write(ledger, d.AsSpan(33, 32));
        return d;

        static void Write(BigInteger v, Span<byte> to)
        {
            var mod = BigInteger.One << 256;
            v %= mod;
            if (v.Sign < 0) v += mod;
            to.Clear();
            int n = v.GetByteCount(isUnsigned: true);
            v.TryWriteBytes(to[(32 - n)..], out _, isUnsigned: true, isBigEndian: true);
        }
    }

    public static bool IsVersion2(byte[]? digest) => digest is { Length: DigestLength } && digest[0] == Version;

    private void HashAndReset()
    {
        if (_direct is not null) _direct.GetHashAndReset(_element);
        else _hmac!.GetHashAndReset(_element);
    }

    public void Dispose()
    {
        _direct?.Dispose();
        _hmac?.Dispose();
    }

    /// <summary>A 256-bit sum with a carry word: a chunk adds at most a few million 256-bit values.</summary>
    private struct Sum256
    {
        private ulong _w0, _w1, _w2, _w3, _carry;

        public void Add(ReadOnlySpan<byte> bigEndian32)
        {
            ulong a3 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian32);
            ulong a2 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian32[8..]);
            ulong a1 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian32[16..]);
            ulong a0 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian32[24..]);
            ulong c;
            _w0 += a0; c = _w0 < a0 ? 1UL : 0UL;
            _w1 += c; ulong c1 = _w1 < c ? 1UL : 0UL; _w1 += a1; c = c1 + (_w1 < a1 ? 1UL : 0UL);
            _w2 += c; c1 = _w2 < c ? 1UL : 0UL; _w2 += a2; c = c1 + (_w2 < a2 ? 1UL : 0UL);
            _w3 += c; c1 = _w3 < c ? 1UL : 0UL; _w3 += a3; c = c1 + (_w3 < a3 ? 1UL : 0UL);
            _carry += c;
        }

        public readonly BigInteger ToBigInteger()
        {
            Span<byte> b = stackalloc byte[40];
            BinaryPrimitives.WriteUInt64BigEndian(b, _carry);
            BinaryPrimitives.WriteUInt64BigEndian(b[8..], _w3);
            BinaryPrimitives.WriteUInt64BigEndian(b[16..], _w2);
            BinaryPrimitives.WriteUInt64BigEndian(b[24..], _w1);
            BinaryPrimitives.WriteUInt64BigEndian(b[32..], _w0);
            return new BigInteger(b, isUnsigned: true, isBigEndian: true);
        }
    }
}
