using Dapper;
using Npgsql;

namespace BatchSettle.Data.Assistance;

/// <summary>
/// How a granted YK-MA-09 application is posted (DESIGN.md "Ledger postings"): one balanced entry of kind
/// <c>assistance_application</c>, fund_pay_type 610100, no facility, no setl_id (assistance_application links it by
/// entry_id), run_id = application_id, batch_id <c>assist-app-&lt;admdvs&gt;</c> (never a claim batch id, so
/// <c>reconcile --batch</c> of a claim batch never sees it). Lines: debit <see cref="Expense"/> (basic, then tilted when
/// not zero), credit <see cref="PayablePerson"/> with the total: the assistance is paid to the person, not a facility.
/// </summary>
public static class AssistanceLedger
{
    public const string Kind = "assistance_application";
    public const string FundPayType = "610100";
    /// <summary>The medical assistance fund's benefit expense (the claim entries' account).</summary>
    public const string Expense = "benefit_expense";
    public const string PayablePerson = "payable_person";

    public static string BatchId(string admdvs) => "assist-app-" + admdvs;

    internal static Task PostAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long entryId, long applicationId, string admdvs,
        long basic, long tilted, DateTimeOffset postedAt, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type,
                fixmedins_code, debit, credit)
            SELECT @entryId, row_number() OVER (ORDER BY l.ord), NULL, @applicationId, @batchId, '{Kind}', @postedAt, l.account,
                   '{FundPayType}', NULL, l.debit, l.credit
            FROM (VALUES (1, '{Expense}', @basic::bigint, 0::bigint), (2, '{Expense}', @tilted::bigint, 0::bigint),
                         (3, '{PayablePerson}', 0::bigint, @total::bigint)) AS l(ord, account, debit, credit)
            WHERE l.debit <> 0 OR l.credit <> 0
            """,
            new { entryId, applicationId, batchId = BatchId(admdvs), postedAt, basic, tilted, total = basic + tilted },
            tx, cancellationToken: ct));
}
