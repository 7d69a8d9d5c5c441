namespace BatchSettle.Dashboard;

/// <summary>Runs finished and claims settled on one day, for the history graph.</summary>
/// <para><see cref="AssumedParams"/>: settlements of those runs that used an <i>assumed</i> parameter.</para>
public sealed record DayStat(DateOnly Day, long Succeeded, long Failed, long ClaimsSettled)
{
    public long AssumedParams { get; init; }
}
