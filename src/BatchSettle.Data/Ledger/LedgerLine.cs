namespace BatchSettle.Data.Ledger;

/// <summary>One journal line (table ledger_line), money in fen.</summary>
public sealed record LedgerLine(
    long EntryId,
    int LineNo,
    string? SetlId,
    string Kind,
    string Account,
    string? FundPayType,
    string? FixmedinsCode,
    long Debit,
    long Credit);
