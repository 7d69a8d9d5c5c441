namespace BatchSettle.Core.Settlement;

/// <summary>Outcome of one claim (CONTRACT.md Output 1 status).</summary>
public enum SettlementStatus : byte
{
    Settled = 1,
    /// <summary>Not eligible: no fund pays, no ledger entry.</summary>
    Rejected = 2,
    /// <summary>Bad input: not settled.</summary>
    Quarantined = 3,
}
