using System.Net;
using Microsoft.Extensions.Options;

namespace BatchSettle.Dashboard;

/// <summary>
/// Counts failed logins per user name and per client address (<see cref="LoginThrottleOptions"/>) and locks either out
/// when it reaches its limit. In memory, per process: a dashboard behind a load balancer counts per instance. The map
/// is bounded: expired entries are dropped when it grows past <see cref="MaxEntries"/>, and beyond that new names are
/// not tracked per name (their addresses still are).
/// </summary>
internal sealed class LoginThrottle(IOptionsMonitor<DashboardOptions> options, TimeProvider clock)
{
    private const int MaxEntries = 10_000;

    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>What a check decided.</summary>
    public readonly record struct Verdict(bool LockedOut, TimeSpan RetryAfter, bool FirstRefusal);

    /// <summary>Whether the name or the address is locked out now; <see cref="Verdict.FirstRefusal"/> once per lockout (to audit it once).</summary>
    public Verdict Check(string user, IPAddress? address)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            var verdict = new Verdict(false, TimeSpan.Zero, false);
            foreach (var key in Keys(user, address))
            {
                if (entries.TryGetValue(key, out var e) && e.LockedUntil > now)
                {
                    bool first = !e.RefusalAudited;
                    e.RefusalAudited = true;
                    var retry = e.LockedUntil - now;
                    verdict = new Verdict(true, retry > verdict.RetryAfter ? retry : verdict.RetryAfter, verdict.FirstRefusal || first);
                }
            }

            return verdict;
        }
    }

    /// <summary>Counts a failed login; true when it locked the name or the address out.</summary>
    public bool Failed(string user, IPAddress? address)
    {
        var o = options.CurrentValue.Login;
        var now = clock.GetUtcNow();
        bool locked = false;
        lock (gate)
        {
            if (entries.Count >= MaxEntries)
            {
                foreach (var stale in entries.Where(kv => kv.Value.LockedUntil <= now && kv.Value.WindowStart + o.Window <= now).Select(kv => kv.Key).ToList())
                {
                    entries.Remove(stale);
                }
            }

            foreach (var key in Keys(user, address))
            {
                if (!entries.TryGetValue(key, out var e))
                {
                    if (entries.Count >= MaxEntries && key.StartsWith('u'))
                    {
                        continue;
                    }

                    e = new Entry { WindowStart = now };
                    entries[key] = e;
                }

                if (e.WindowStart + o.Window <= now)
                {
                    e.WindowStart = now;
                    e.Failures = 0;
                }

                e.Failures++;
                int limit = key.StartsWith('u') ? o.MaxFailuresPerUser : o.MaxFailuresPerAddress;
                if (e.Failures >= limit && e.LockedUntil <= now)
                {
                    e.LockedUntil = now + o.Lockout;
                    e.RefusalAudited = false;
                    e.Failures = 0;
                    e.WindowStart = now;
                    locked = true;
                }
            }
        }

        return locked;
    }

    /// <summary>A successful login clears the name's failures (not the address's: one good account must not shield guessing at others).</summary>
    public void Succeeded(string user)
    {
        lock (gate)
        {
            entries.Remove("u:" + user);
        }
    }

    private static IEnumerable<string> Keys(string user, IPAddress? address)
    {
        yield return "u:" + user;
        if (address is not null)
        {
            yield return "a:" + (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart { get; set; }
        public int Failures { get; set; }
        public DateTimeOffset LockedUntil { get; set; }
        public bool RefusalAudited { get; set; }
    }
}
