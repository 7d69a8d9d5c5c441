using System.Globalization;
using BatchSettle.Data.Assistance;
using BatchSettle.Data.Infrastructure;

namespace BatchSettle.Cli;

/// <summary>
/// <c>batchsettle assist-apply --psn P --date YYYY-MM-DD</c>: decides a category-I assistance application (YK-MA-09) and
/// prints the decision with its explanation. Exit 0 when granted or refused with a reason (a refusal is a decision, not
/// an error); 1 on error.
/// </summary>
internal static class AssistApplyCommand
{
    public static async Task<int> RunAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string psn = a.Required("psn");
        string date = a.Required("date");
        a.EnsureAllUsed();
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            throw new UsageException($"--date must be YYYY-MM-DD, got '{date}'");
        }
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        var decision = await new AssistanceApplicationService(ds, time).ApplyAsync(psn, d, ct);
        o.Write(decision.Format());
        return 0;
    }
}
