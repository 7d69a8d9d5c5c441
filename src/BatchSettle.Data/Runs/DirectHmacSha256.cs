using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace BatchSettle.Data.Runs;

/// <summary>
/// HMAC-SHA256 (RFC 2104) built on libcrypto's SHA-256 context functions (<c>SHA256_Init/Update/Final</c>), called
/// directly through function pointers: the same bytes as <see cref="HMACSHA256"/>, without .NET's OpenSSL shim. Per
/// message the shim makes three EVP calls (update, final, reset), each with <c>ERR_clear_error</c>, context copies
/// and frees around it — about as much CPU as the SHA-256 compressions themselves for the run's ~0.5–1 KB elements
/// (a third of the row digest's libcrypto samples, docs/PERFORMANCE.md "Ninth round"). Here a message costs one
/// 112-byte context copy, the updates, and the outer hash's one update and final; the compressions are OpenSSL's own
/// (SHA-NI where the CPU has it).
/// <para>
/// The keyed inner and outer contexts (the key XOR ipad/opad blocks, already compressed) are computed once and copied
/// for each message, which is the standard HMAC precomputation. The low-level SHA256_* functions are deprecated in
/// OpenSSL 3 but exported by every build that does not define <c>OPENSSL_NO_DEPRECATED_3_0</c> (Debian's and the
/// container image's do); where libcrypto.so.3 or the functions cannot be found, <see cref="TryCreate"/> returns null
/// and <see cref="RowDigest"/> uses <see cref="IncrementalHash"/>. The context memory is native (libcrypto writes it)
/// and is wiped and freed on dispose or finalisation: it holds the keyed states.
/// </para>
/// </summary>
internal sealed unsafe class DirectHmacSha256 : IDisposable
{
    // sizeof(SHA256_CTX) is 112 (OpenSSL 1.1 and 3: h[8], Nl, Nh, data[16], num, md_len as 32-bit words); a slot of
    // 128 bytes holds it with room, and copying a whole slot copies the context whatever its exact size.
    private const int Slot = 128;
    private const int BlockSize = 64;

    private static readonly Api? Functions = Api.Load();

    private byte* _mem; // inner | outer | working context | inner hash
    private bool _started;

    private DirectHmacSha256(ReadOnlySpan<byte> key)
    {
        _mem = (byte*)NativeMemory.AlignedAlloc(4 * Slot, 64);
        NativeMemory.Clear(_mem, 4 * Slot);
        Span<byte> k = stackalloc byte[BlockSize];
        k.Clear();
        if (key.Length > BlockSize) SHA256.HashData(key, k);
        else key.CopyTo(k);
        Span<byte> pad = stackalloc byte[BlockSize];
        try
        {
            Keyed(Inner, k, pad, 0x36);
            Keyed(Outer, k, pad, 0x5c);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(pad);
        }

        static void Keyed(byte* ctx, ReadOnlySpan<byte> k, Span<byte> pad, byte with)
        {
            for (int i = 0; i < BlockSize; i++) pad[i] = (byte)(k[i] ^ with);
            fixed (byte* p = pad)
            {
                Check(Functions!.Init(ctx));
                Check(Functions.Update(ctx, p, BlockSize));
            }
        }
    }

    ~DirectHmacSha256() => Free();

    private byte* Inner => _mem;
    private byte* Outer => _mem + Slot;
    private byte* Work => _mem + 2 * Slot;
    private byte* InnerHash => _mem + 3 * Slot;

    /// <summary>Whether libcrypto's SHA-256 functions were found in this process.</summary>
    public static bool Available => Functions is not null;

    /// <summary>An HMAC-SHA256 under <paramref name="key"/>, or null where libcrypto's functions are not available.</summary>
    public static DirectHmacSha256? TryCreate(ReadOnlySpan<byte> key) => Functions is null ? null : new DirectHmacSha256(key);

    /// <summary>Appends bytes of the message being hashed.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_mem is null, this);
        if (!_started)
        {
            Buffer.MemoryCopy(Inner, Work, Slot, Slot);
            _started = true;
        }
        if (data.IsEmpty) return;
        fixed (byte* p = data) Check(Functions!.Update(Work, p, (nuint)data.Length));
    }

    /// <summary>Writes the message's HMAC (32 bytes) to <paramref name="destination"/> and starts the next message.</summary>
    public void GetHashAndReset(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_mem is null, this);
        if (destination.Length < 32) throw new ArgumentException("32 bytes are needed", nameof(destination));
        if (!_started) Buffer.MemoryCopy(Inner, Work, Slot, Slot);
        _started = false;
        Check(Functions!.Final(InnerHash, Work));
        Buffer.MemoryCopy(Outer, Work, Slot, Slot);
        Check(Functions.Update(Work, InnerHash, 32));
        fixed (byte* d = destination) Check(Functions.Final(d, Work));
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_mem is null) return;
        NativeMemory.Clear(_mem, 4 * Slot);
        NativeMemory.AlignedFree(_mem);
        _mem = null;
    }

    private static void Check(int ok)
    {
        if (ok != 1) throw new CryptographicException("libcrypto SHA-256 call failed");
    }

    private sealed class Api
    {
        public readonly delegate* unmanaged<byte*, int> Init;
        public readonly delegate* unmanaged<byte*, byte*, nuint, int> Update;
        public readonly delegate* unmanaged<byte*, byte*, int> Final;

        private Api(nint init, nint update, nint final)
        {
            Init = (delegate* unmanaged<byte*, int>)init;
            Update = (delegate* unmanaged<byte*, byte*, nuint, int>)update;
            Final = (delegate* unmanaged<byte*, byte*, int>)final;
        }

        public static Api? Load()
        {
            if (!OperatingSystem.IsLinux()) return null;
            if (!NativeLibrary.TryLoad("libcrypto.so.3", out var lib)) return null;
            if (!NativeLibrary.TryGetExport(lib, "SHA256_Init", out var init)
                || !NativeLibrary.TryGetExport(lib, "SHA256_Update", out var update)
                || !NativeLibrary.TryGetExport(lib, "SHA256_Final", out var final))
            {
                return null;
            }
            return new Api(init, update, final);
        }
    }
}
