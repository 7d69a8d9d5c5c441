namespace BatchSettle.Dashboard;

/// <summary>What one fund paid in a run, in fen, from the ledger.</summary>
public sealed record FundTotal(string FundPayType, long Fen, long Claims);
