using System.Globalization;
using BatchSettle.Core.Domain;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Subsidies;

namespace BatchSettle.Cli;

/// <summary>
/// <c>batchsettle subsidies --year Y --admdvs A</c> (post premium subsidies, POLICY.md §11),
/// <c>batchsettle subsidies --reverse / --repost --psn P --year Y</c> (correct one) and
/// <c>batchsettle reconcile --subsidies --year Y --admdvs A</c> (check them against the ledger).
/// </summary>
internal static class SubsidiesCommand
{
    /// <summary>
    /// Posts what can be posted; exit 0, or 1 when person-years were left unposted because a policy parameter is missing
    /// (the policy data must be completed, then a rerun posts exactly those). Unreadable hardship cells are named and do
    /// not fail the command, as quarantined claims do not fail a run.
    /// </summary>
    public static async Task<int> RunAsync(CliArgs a, TextWriter o, TextWriter e, TimeProvider time, CancellationToken ct)
    {
        bool reverse = a.Flag("reverse"), repost = a.Flag("repost");
        if (reverse || repost) return await CorrectAsync(a, reverse, repost, o, time, ct);
        var (region, year) = RegionYear(a);
        a.EnsureAllUsed();
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        var report = await new SubsidyPoster(ds, time).PostAsync(region, year, Environment.UserName, ct);
        o.Write(report.Format());
        if (report.MissingParam == 0) return 0;
        e.WriteLine($"batchsettle: {report.MissingParam} person-years of {report.Admdvs} {year} not posted: a policy parameter is missing");
        return 1;
    }

    /// <summary>
    /// <c>subsidies --reverse --psn P --year Y --reason R</c>: the red-ink reversal of the person-year's posting in
    /// force; <c>subsidies --repost --psn P --year Y</c>: post it again from the registry as it is now, only after a
    /// reversal (Data/Subsidies/SubsidyCorrection). Nothing to reverse, already reversed, or a repost while a posting is
    /// in force: a message naming it, nothing posted, exit 1.
    /// </summary>
    private static async Task<int> CorrectAsync(CliArgs a, bool reverse, bool repost, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        if (reverse && repost) throw new UsageException("give --reverse or --repost, not both");
        string psn = a.Required("psn");
        string y = a.Required("year");
        if (!int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out int year) || year is < 2000 or > 2100)
        {
            throw new UsageException($"--year must be a year such as 2024, got '{y}'");
        }
        string? reason = reverse ? a.Required("reason") : null;
        if (reverse && string.IsNullOrWhiteSpace(reason)) throw new UsageException("--reason must say why the subsidy is reversed");
        // The accounting period to file the correction in (default: Y-01 while open, else the current open period).
        string? period = a.Get("period");
        a.EnsureAllUsed();
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        var fix = new SubsidyCorrection(ds, time);
        var r = reverse
            ? await fix.ReverseAsync(psn, year, reason!, Environment.UserName, period, ct)
            : await fix.RepostAsync(psn, year, Environment.UserName, period, ct);
        o.Write(r.Format());
        return 0;
    }

    public static async Task<int> ReconcileAsync(CliArgs a, TextWriter o, TextWriter e, CancellationToken ct)
    {
        var (region, year) = RegionYear(a);
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        var r = await new SubsidyReconciler(ds).ReconcileAsync(Codes.Admdvs(region), year, ct);
        if (json)
        {
            // The shape of `reconcile --batch B --json`.
            CliApp.WriteJson(o, new { admdvs = r.Admdvs, year, balanced = r.Balanced, report = r.Format(), differences = r.Differences });
            return r.Balanced ? 0 : 1;
        }

        o.Write(r.Format());
        if (r.Balanced)
        {
            o.WriteLine($"subsidies {r.Admdvs} {year}: premium_subsidy and ledger agree; every entry balances");
            return 0;
        }
        foreach (var d in r.Differences) e.WriteLine($"DIFFERENCE {d}");
        e.WriteLine($"batchsettle: subsidies {r.Admdvs} {year} do not reconcile ({r.Differences.Count} differences)");
        return 1;
    }

    private static (Region Region, int Year) RegionYear(CliArgs a)
    {
        string y = a.Required("year");
        string admdvs = a.Required("admdvs");
        if (!int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out int year) || year is < 2000 or > 2100)
        {
            throw new UsageException($"--year must be a year such as 2024, got '{y}'");
        }
        if (!SubsidyLedger.TryRegion(admdvs, out var region))
        {
            throw new UsageException($"--admdvs must be 210500 (Benxi) or 210800 (Yingkou), got '{admdvs}'");
        }
        return (region, year);
    }
}
