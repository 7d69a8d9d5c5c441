using BatchSettle.Core.Settlement;
using BatchSettle.Data.Runs;

namespace BatchSettle.Data.Ledger;

/// <summary>
/// The journal entry of a settled claim (POLICY.md §10, DESIGN.md "Ledger postings"): for each fund that pays, debit
/// benefit_expense and credit payable_facility with the fund's fund_pay_type and the facility; the personal share as a
/// memo pair. A reversal's result is already the negation, so the same code posts the same accounts and sides with
/// negated amounts (红字冲销).
/// </summary>
public static class LedgerPosting
{
    public const string BenefitExpense = "benefit_expense";
    public const string PayableFacility = "payable_facility";
    public const string MemoPersonalShare = "memo_personal_share";
    public const string MemoFacilityCollected = "memo_facility_collected";

    public static void Post(long entryId, string setlId, bool reversal, string insutype, string fixmedinsCode,
        in SettlementOut r, List<LedgerLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        string kind = reversal ? "reversal" : "settlement";
        int lineNo = 0;
        Fund(FundPayType.Pooled(insutype), r.HifpPay);
        Fund(FundPayType.CriticalIllness, r.HifmiPay);
        Fund(FundPayType.LargeAmount, r.HifobPay);
        Fund(FundPayType.Assistance, r.MafPay);
        if (r.PsnPartAmt != 0)
        {
            lines.Add(new LedgerLine(entryId, ++lineNo, setlId, kind, MemoPersonalShare, null, fixmedinsCode, r.PsnPartAmt, 0));
            lines.Add(new LedgerLine(entryId, ++lineNo, setlId, kind, MemoFacilityCollected, null, fixmedinsCode, 0, r.PsnPartAmt));
        }

        void Fund(string fundPayType, long amount)
        {
            if (amount == 0) return;
            lines.Add(new LedgerLine(entryId, ++lineNo, setlId, kind, BenefitExpense, fundPayType, fixmedinsCode, amount, 0));
            lines.Add(new LedgerLine(entryId, ++lineNo, setlId, kind, PayableFacility, fundPayType, fixmedinsCode, 0, amount));
        }
    }
}
