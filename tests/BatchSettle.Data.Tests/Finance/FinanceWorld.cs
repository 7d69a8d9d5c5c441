using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;
using BatchSettle.Data.Finance;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Npgsql;

namespace BatchSettle.Data.Tests.Finance;

/// <summary>
/// Three generated months of Benxi claims (2025-03 … 2025-05): residents and employees, four facilities, inpatient,
/// outpatient, chronic and maternity claims, and in April a late reversal of a March claim.
/// </summary>
internal sealed class FinanceWorld : IAsyncDisposable
{
    public const string A = "210500";
    public static readonly string[] Months = ["2025-03", "2025-04", "2025-05"];

    public TestData Data { get; } = new();
    public NpgsqlDataSource Ds { get; private set; } = null!;
    public TimeProvider Time { get; } = TimeProvider.System;
    public Periods Periods => new(Ds, Time);
    public Clearing Clearing => new(Ds, Time);
    public Reports Reports => new(Ds);

    public static async Task<FinanceWorld> CreateAsync(PostgresFixture pg)
    {
        var w = new FinanceWorld { Ds = await pg.NewDatabaseAsync() };
        var persons = new List<string>();
        for (int i = 0; i < 16; i++) persons.Add(TestData.Person($"P{i:D4}", A, i % 3 == 0 ? "310" : "390"));
        await new StagingLoader(w.Ds, w.Time).LoadPersonsAsync(w.Data.Write("persons.csv", TestData.PersonsHeader, persons));
        return w;
    }

    public static string Batch(string month) => A + "-" + month;

    /// <summary>Loads and settles one month's batch.</summary>
    public async Task RunMonthAsync(string month)
    {
        var claims = new List<string>();
        string[] medTypes = ["21", "11", "14", "52", "21"];
        int m = int.Parse(month[5..], CultureInfo.InvariantCulture);
        for (int i = 0; i < 16; i++)
        {
            string insu = i % 3 == 0 ? "310" : "390";
            for (int k = 0; k < 1 + (i % 2); k++)
            {
                string med = medTypes[(i + k + m) % medTypes.Length];
                claims.Add(TestData.Claim($"S{month[2..4]}{month[5..]}-{i:D4}-{k}", $"P{i:D4}", $"{month}-{10 + k:D2}", 800m * (i % 5 + 1) + 37.5m * k + m, 20m,
                    medType: med, admdvs: A, insutype: insu, hospLv: "3", fac: $"H{i % 4}").Replace(TestData.Batch, Batch(month), StringComparison.Ordinal));
            }
        }
        if (month == "2025-04")
        {
            // The March claim S2503-0001-0 (P0001, resident, inpatient at H1: 1,603 + 20) reversed late, in April's batch.
            claims.Add(TestData.Claim("R2504-0001-0", "P0001", "2025-04-20", -1603m, -20m, medType: "21", admdvs: A, insutype: "390",
                hospLv: "3", reversalOf: "S2503-0001-0", fac: "H1").Replace(TestData.Batch, Batch(month), StringComparison.Ordinal));
        }
        await new StagingLoader(Ds, Time).LoadClaimsAsync(Data.Write($"claims-{month}.csv", TestData.ClaimsHeader, claims));
        var s = await new BatchRunner(Ds, Time).RunBatchAsync(Batch(month), new BatchRunOptions());
        Assert.True(s.Succeeded, s.Format());
    }

    /// <summary>Writes a payments file paying every outstanding amount of clearing months up to <paramref name="upTo"/>.</summary>
    public async Task<string> PayEverythingFileAsync(string upTo, DateOnly paid, string refPrefix)
    {
        var lines = (await Clearing.OutstandingAsync(A, FundBooks.PeriodEnd(upTo))).Where(l => l.Outstanding != 0).ToList();
        Assert.NotEmpty(lines);
        var rows = lines.Select((l, i) => string.Join(",", l.Facility, l.ClearingMonth, l.FundPayType, FenMath.FormatYuan(l.Outstanding),
            paid.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{refPrefix}{i:D4}"));
        return Data.Write($"payments-{refPrefix}.csv", Clearing.PaymentsHeader, rows);
    }

    public async ValueTask DisposeAsync()
    {
        await Ds.DisposeAsync();
        Data.Dispose();
    }
}
