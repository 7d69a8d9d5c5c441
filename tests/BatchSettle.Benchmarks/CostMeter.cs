using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace BatchSettle.Benchmarks;

/// <summary>
/// The costs per claim that a noisy machine hurts least (issue 16): CPU seconds of the whole PostgreSQL cluster and
/// WAL bytes written, between two snapshots around one measured phase.
/// <para>
/// PostgreSQL CPU, from /proc (no extension needed): the postmaster's own utime+stime, plus cutime+cstime (the CPU
/// of children it has reaped: backends that ended during the phase, e.g. the run's connections), plus utime+stime of
/// every live child (backends, autovacuum, checkpointer, WAL writer…). A backend that ends between two snapshots moves
/// from the third term to the second, so it is counted once. Another database's work on the same private cluster
/// would count too; the bench cluster has no other user. Resolution: one clock tick (10 ms).
/// </para>
/// <para>WAL: <c>pg_current_wal_lsn()</c> before and after (bytes of WAL the cluster wrote in between).</para>
/// <para>The machine, from the first line of /proc/stat (proc(5)): busy (user, nice, system, irq, softirq), iowait and
/// steal time of all CPUs, divided by the phase's wall time into cores — a phase that keeps ~1.2 of 2 cores busy while
/// the other side of its pair keeps ~1.75 waited on something (session 12, docs/PERFORMANCE.md "Ninth round").</para>
/// </summary>
internal sealed class CostMeter
{
    private static readonly long TicksPerSecond = ClockTicks();
    private readonly string _adminConn;
    private int _postmaster;

    public CostMeter(string adminConn) => _adminConn = adminConn;

    public readonly record struct Snapshot(long PgTicks, long WalLsn, TimeSpan SelfCpu, Machine Machine, long At);

    /// <summary>The machine's busy, iowait and steal ticks (all CPUs) from /proc/stat.</summary>
    public readonly record struct Machine(long Busy, long Iowait, long Steal);

    /// <summary>PostgreSQL CPU seconds, WAL bytes and this process's CPU seconds since <paramref name="from"/>; the
    /// machine's busy, iowait and steal seconds (all CPUs) and the wall seconds in between.</summary>
    public readonly record struct Delta(double PgCpuSeconds, long WalBytes, double SelfCpuSeconds,
        double BusySeconds = 0, double IowaitSeconds = 0, double StealSeconds = 0, double WallSeconds = 0)
    {
        /// <summary>"busy / iowait / steal" in cores (seconds of CPU per second of wall time), e.g. "1.74 / 0.05 / 0.00".</summary>
        public string Cores() => WallSeconds <= 0 ? "-" : string.Create(CultureInfo.InvariantCulture,
            $"{BusySeconds / WallSeconds:F2} / {IowaitSeconds / WallSeconds:F2} / {StealSeconds / WallSeconds:F2}");
    }

    public async Task<Snapshot> TakeAsync()
    {
        await using var c = new NpgsqlConnection(_adminConn);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pg_backend_pid(), pg_current_wal_lsn()::text", c);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        int backend = r.GetInt32(0);
        long lsn = ParseLsn(r.GetString(1));
        if (_postmaster == 0) _postmaster = ReadStat(backend)?.PPid ?? throw new InvalidOperationException($"cannot read /proc/{backend}/stat");
        return new Snapshot(PgTicks(_postmaster), lsn, Process.GetCurrentProcess().TotalProcessorTime, ReadMachine(), Stopwatch.GetTimestamp());
    }

    public async Task<Delta> SinceAsync(Snapshot from)
    {
        var to = await TakeAsync();
        double t = TicksPerSecond;
        return new Delta((double)(to.PgTicks - from.PgTicks) / t, to.WalLsn - from.WalLsn, (to.SelfCpu - from.SelfCpu).TotalSeconds,
            (to.Machine.Busy - from.Machine.Busy) / t, (to.Machine.Iowait - from.Machine.Iowait) / t,
            (to.Machine.Steal - from.Machine.Steal) / t, Stopwatch.GetElapsedTime(from.At, to.At).TotalSeconds);
    }

    /// <summary>/proc/stat's "cpu" line: user nice system idle iowait irq softirq steal …, in clock ticks.</summary>
    private static Machine ReadMachine()
    {
        string? line;
        try
        {
            using var r = new StreamReader("/proc/stat");
            line = r.ReadLine();
        }
        catch (IOException)
        {
            return default;
        }
        if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal)) return default;
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long F(int i) => f.Length > i ? long.Parse(f[i], CultureInfo.InvariantCulture) : 0;
        return new Machine(F(1) + F(2) + F(3) + F(6) + F(7), F(5), F(8));
    }

    /// <summary>"16/B374D848" → 0x16_B374D848.</summary>
    public static long ParseLsn(string lsn)
    {
        int slash = lsn.IndexOf('/', StringComparison.Ordinal);
        return (long.Parse(lsn[..slash], NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 32)
            + long.Parse(lsn[(slash + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static long PgTicks(int postmaster)
    {
        var pm = ReadStat(postmaster) ?? throw new InvalidOperationException($"the postmaster ({postmaster}) is gone");
        long total = pm.UTime + pm.STime + pm.CUTime + pm.CSTime;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == postmaster) continue;
            if (ReadStat(pid) is { } s && s.PPid == postmaster) total += s.UTime + s.STime;
        }
        return total;
    }

    private readonly record struct Stat(int PPid, long UTime, long STime, long CUTime, long CSTime);

    /// <summary>Fields 4 and 14–17 of /proc/PID/stat (proc(5)); null when the process has gone.</summary>
    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) may contain spaces and parentheses: the fields after it start after the last ')'.
        var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var ic = CultureInfo.InvariantCulture;
        return new Stat(int.Parse(f[1], ic), long.Parse(f[11], ic), long.Parse(f[12], ic), long.Parse(f[13], ic), long.Parse(f[14], ic));
    }

    private static long ClockTicks()
    {
        try
        {
            var psi = new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            if (p is not null && long.TryParse(p.StandardOutput.ReadToEnd().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long t) && t > 0)
            {
                p.WaitForExit();
                return t;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no getconf: Linux's USER_HZ is 100 on every supported architecture
        }
        return 100;
    }
}
