using System.Globalization;
using BatchSettle.Core.Domain;

namespace BatchSettle.Data.Subsidies;

/// <summary>
/// How a premium subsidy (POLICY.md §11, PS-01) is posted to the fund ledger (DESIGN.md "Ledger postings"): one balanced
/// entry of kind <c>subsidy</c> per person-year, every line fund_pay_type 610100 (medical assistance), no facility, no
/// setl_id (table premium_subsidy links the entry to the person-year by entry_id).
/// <list type="bullet">
/// <item>No funding split (Benxi): debit <see cref="Expense"/>, credit <see cref="PremiumReceivable"/>.</item>
/// <item>City : county split (Yingkou 3 : 7): debit <see cref="ExpenseCity"/> and <see cref="ExpenseCounty"/>, credit
/// <see cref="PremiumReceivable"/> with the whole amount; a zero share posts no line.</item>
/// </list>
/// </summary>
public static class SubsidyLedger
{
    /// <summary>Medical assistance fund's expense for premiums it pays (unsplit).</summary>
    public const string Expense = "subsidy_expense";
    /// <summary>The city-funded part of the expense.</summary>
    public const string ExpenseCity = "subsidy_expense_city";
    /// <summary>The county-funded part of the expense.</summary>
    public const string ExpenseCounty = "subsidy_expense_county";
    /// <summary>The person's resident premium owed to the resident fund, settled by the subsidy.</summary>
    public const string PremiumReceivable = "premium_receivable";

    public const string Kind = "subsidy";
    /// <summary>The red-ink reversal of a subsidy entry: the same accounts and sides, amounts negated (SubsidyCorrection).</summary>
    public const string ReversalKind = "subsidy_reversal";
    public const string FundPayType = "610100";

    /// <summary>The ledger_line.batch_id of a region-year's subsidy entries; never a claim batch id.</summary>
    public static string BatchId(string admdvs, int year) =>
        string.Create(CultureInfo.InvariantCulture, $"subsidy-{admdvs}-{year:D4}");

    /// <summary>
    /// The date identities and parameters are resolved on (docs/INTERPRETATIONS.md §11): the premium's paid_date, clamped
    /// into the insurance year. A premium collected in the previous year's collection period is subsidised by the
    /// identities held on 1 January; a mid-year enrolment by those held when it paid. An identity granted after the
    /// premium was paid does not subsidise that year's premium.
    /// </summary>
    public static DateOnly IdentityDate(int year, DateOnly paidDate)
    {
        var first = new DateOnly(year, 1, 1);
        var last = new DateOnly(year, 12, 31);
        return paidDate < first ? first : paidDate > last ? last : paidDate;
    }

    /// <summary>Parses the --admdvs argument.</summary>
    public static bool TryRegion(string? admdvs, out Region region) => Codes.TryRegion(admdvs, out region);
}
