using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;

namespace BatchSettle.Data.Runs;

/// <summary>The outcome of a batch run, as stored on the run row.</summary>
public sealed record RunSummary
{
    public long RunId { get; init; }
    public string BatchId { get; init; } = "";
    public string Status { get; init; } = "";
    /// <summary>The batch had already succeeded: nothing was done.</summary>
    public bool AlreadySucceeded { get; init; }
    public int Attempt { get; init; }
    public long Claims { get; init; }
    public long Settled { get; init; }
    public long Rejected { get; init; }
    public long Quarantined { get; init; }
    public long AssumedParams { get; init; }
    public long Total310100 { get; init; }
    public long Total390100 { get; init; }
    public long Total390200 { get; init; }
    public long Total330100 { get; init; }
    public long Total610100 { get; init; }
    public long TotalPsnPart { get; init; }
    /// <summary>CI-06: settled claims of the run that reset the banked zero-claim incentive (export --zero-claim-resets).</summary>
    public long ZeroClaimResets { get; init; }
    /// <summary>CI-06: reversals in the run that rolled such a reset back.</summary>
    public long ZeroClaimResetUndos { get; init; }
    public TimeSpan Duration { get; init; }
    public string? Error { get; init; }

    public bool Succeeded => Status is "succeeded" or "succeeded_with_quarantine";

    public string Format()
    {
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        if (AlreadySucceeded)
        {
            sb.Append(ic, $"batch {BatchId} already succeeded (run {RunId}, {Status}); nothing to do\n");
        }
        else
        {
            double secs = Math.Max(Duration.TotalSeconds, 0.001);
            sb.Append(ic, $"run {RunId} batch {BatchId}: {Status} (attempt {Attempt}) in {Duration.TotalSeconds:F1} s, {Claims / secs:F0} claims/s\n");
        }
        sb.Append(ic, $"  claims {Claims}: settled {Settled}, rejected {Rejected}, quarantined {Quarantined}; settled with an assumed parameter {AssumedParams}\n");
        sb.Append(ic, $"  fund 310100 employee pooled   {FenMath.FormatYuan(Total310100),16}\n");
        sb.Append(ic, $"  fund 390100 resident pooled   {FenMath.FormatYuan(Total390100),16}\n");
        sb.Append(ic, $"  fund 390200 critical illness  {FenMath.FormatYuan(Total390200),16}\n");
        sb.Append(ic, $"  fund 330100 large amount      {FenMath.FormatYuan(Total330100),16}\n");
        sb.Append(ic, $"  fund 610100 assistance        {FenMath.FormatYuan(Total610100),16}\n");
        sb.Append(ic, $"  personal share                {FenMath.FormatYuan(TotalPsnPart),16}\n");
        sb.Append(ic, $"  zero-claim resets: {ZeroClaimResets}{(ZeroClaimResetUndos > 0 ? $" ({ZeroClaimResetUndos} undone by reversals)" : "")}\n");
        if (Error is not null) sb.Append(ic, $"  error: {Error}\n");
        return sb.ToString();
    }
}
