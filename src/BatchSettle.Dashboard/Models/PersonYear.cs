namespace BatchSettle.Dashboard;

/// <summary>
/// A person's insurance year as the product settled it: the registry rows, every result in settlement order with its
/// amounts per fund, and the year-to-date accumulators after each claim, reconstructed from the results' stored
/// deltas (<c>settlement_result.acc_delta</c>, after − before) by a running sum from zero. <see cref="Stored"/> is the
/// <c>accumulator</c> row as it is now; <see cref="Agrees"/> says whether the running sum ends on it.
/// </summary>
public sealed record PersonYear(
    string PsnNo,
    int Year,
    IReadOnlyList<int> Years,
    IReadOnlyList<PersonRegistryRow> Registry,
    IReadOnlyList<PersonClaim> Claims,
    IReadOnlyList<AccumulatorSlot> Slots,
    IReadOnlyList<long>? Stored,
    bool? Agrees);

/// <summary>One accumulator slot shown on the person page: its index, name and whether it holds fen.</summary>
public sealed record AccumulatorSlot(int Index, string Name, bool Money);

/// <summary>The registry row of the person's year (table <c>staging_person</c>).</summary>
public sealed record PersonRegistryRow
{
    public string Admdvs { get; init; } = "";
    public string Insutype { get; init; } = "";
    public string EnrolKind { get; init; } = "";
    public DateOnly PaidDate { get; init; }
    public string? Hardship { get; init; }
    public int? ContinuousYears { get; init; }
    public int? ZeroClaimYears { get; init; }
}

/// <summary>One of the person's results, with the accumulators after it (null when the claim did not move them).</summary>
public sealed record PersonClaim
{
    public string SetlId { get; init; } = "";
    public long RunId { get; init; }
    public string BatchId { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Reason { get; init; }
    public string Insutype { get; init; } = "";
    public string MedType { get; init; } = "";
    public string FixmedinsCode { get; init; } = "";
    public DateOnly? BeginDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public long? Medfee { get; init; }
    public long HifpPay { get; init; }
    public long HifmiPay { get; init; }
    public long HifobPay { get; init; }
    public long MafPay { get; init; }
    public long FundPaySumamt { get; init; }
    public long PsnPartAmt { get; init; }
    public bool AssumedParams { get; init; }
    public string? ReversalOf { get; init; }
    public IReadOnlyList<long>? AccAfter { get; init; }
}
