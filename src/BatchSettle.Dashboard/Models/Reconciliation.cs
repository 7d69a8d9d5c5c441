namespace BatchSettle.Dashboard;

/// <summary>
/// Whether a run's books agree: every ledger entry balances, and what the ledger says the funds paid equals what the
/// settlement results say they paid.
/// </summary>
public sealed record Reconciliation(
    string Status,
    long LedgerDebit,
    long LedgerCredit,
    long UnbalancedEntries,
    long ResultsFundPay,
    long LedgerFundPay);
