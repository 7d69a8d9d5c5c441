using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Checks one streamed claim and types it for the engine. Everything wrong with it is collected as (field, reason):
/// unknown codes, the amount identity, negative amounts outside reversals, more than two decimals, an unknown person,
/// a bad registry row. Reversal checks that need the person's earlier claims are done by the runner.
/// </summary>
internal static class ClaimValidator
{
    public static void Validate(in ClaimRow r, ref ClaimIn c, ref PersonIn p, List<(string Field, string Reason)> errors)
    {
        errors.Clear();
        c = default;
        c.BatchId = r.BatchId;
        c.SetlId = r.SetlId;
        c.PsnNo = r.PsnNo;
        c.FixmedinsCode = r.FixmedinsCode;
        c.Designated = r.Designated;
        c.InProvince = r.InProvince;
        c.BeginDate = r.BeginDate;
        c.EndDate = r.EndDate;
        c.BedDays = r.BedDays ?? -1;
        c.DiseCodg = r.DiseCodg;
        c.Emergency = r.Emergency ?? false;
        c.Approved = r.Approved ?? false;
        c.ReversalOf = r.ReversalOf;
        c.DiseQualified = r.DiseQualified;
        c.HighValueDrug = r.HighValueDrug;

        if (!Codes.TryRegion(r.Admdvs, out c.Region)) errors.Add(("admdvs", $"unknown admdvs '{r.Admdvs}' (expected 210500 or 210800)"));
        if (!Codes.TryInsuType(r.Insutype, out c.InsuType)) errors.Add(("insutype", $"unknown insutype '{r.Insutype}' (expected 310 or 390)"));
        if (!Codes.TryMedType(r.MedType, out c.MedType)) errors.Add(("med_type", $"unknown med_type '{r.MedType}'"));
        if (!Codes.TryHospLevel(r.HospLv, out c.HospLevel)) errors.Add(("hosp_lv", $"unknown hosp_lv '{r.HospLv}'"));
        if (!Codes.TryFacKind(r.FacKind, out c.FacKind)) errors.Add(("fac_kind", $"unknown fac_kind '{r.FacKind}'"));
        if (!Codes.TrySetting(r.Setting, out c.Setting)) errors.Add(("setting", $"unknown setting '{r.Setting}'"));
        if (r.TransferFromLv is not null)
        {
            if (Codes.TryHospLevel(r.TransferFromLv, out var tl)) c.TransferFromLevel = tl;
            else errors.Add(("transfer_from_lv", $"unknown transfer_from_lv '{r.TransferFromLv}'"));
        }
        if (!Codes.TrySpecialDisease(r.SpecialDise, out c.SpecialDisease, out c.ChronicCode))
        {
            errors.Add(("special_dise", $"unknown special_dise '{r.SpecialDise}'"));
        }
        if (!Codes.TryExclusion(r.ExclCause, out c.ExclusionCause)) errors.Add(("excl_cause", $"unknown excl_cause '{r.ExclCause}'"));
        if (r.EndDate < r.BeginDate) errors.Add(("enddate", $"enddate {r.EndDate:yyyy-MM-dd} before begndate {r.BeginDate:yyyy-MM-dd}"));
        if (r.BedDays is < 0) errors.Add(("bed_days", $"negative bed_days {r.BedDays}"));

        bool reversal = r.ReversalOf is not null;
        bool moneyOk = Money("medfee_sumamt", r.Medfee, reversal, out c.MedfeeSumamt, errors)
            & Money("fulamt_ownpay_amt", r.Fulamt, reversal, out c.FulamtOwnpayAmt, errors)
            & Money("overlmt_selfpay", r.Overlmt, reversal, out c.OverlmtSelfpay, errors)
            & Money("preselfpay_amt", r.Preselfpay, reversal, out c.PreselfpayAmt, errors)
            & Money("inscp_scp_amt", r.Inscp, reversal, out c.InscpScpAmt, errors);
        if (moneyOk)
        {
            long parts = c.FulamtOwnpayAmt + c.OverlmtSelfpay + c.PreselfpayAmt + c.InscpScpAmt;
            if (parts != c.MedfeeSumamt)
            {
                errors.Add(("medfee_sumamt",
                    $"medfee_sumamt {FenMath.FormatYuan(c.MedfeeSumamt)} <> fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt = {FenMath.FormatYuan(parts)}"));
            }
        }

        p = default;
        p.PsnNo = r.PsnNo;
        if (!r.PersonKnown)
        {
            errors.Add(("psn_no", $"unknown person '{r.PsnNo}': no staging_person row"));
            return;
        }
        if (r.PAdmdvs is null) return; // No row for the claim's year: not enrolled (the engine rejects, EL-01).
        if (!Codes.TryRegion(r.PAdmdvs, out p.Region)) errors.Add(("person.admdvs", $"person {r.PsnNo} year {r.PYear}: unknown admdvs '{r.PAdmdvs}'"));
        if (!Codes.TryInsuType(r.PInsutype, out p.InsuType)) errors.Add(("person.insutype", $"person {r.PsnNo} year {r.PYear}: unknown insutype '{r.PInsutype}'"));
        if (!Codes.TryEnrolKind(r.PEnrolKind, out p.EnrolKind)) errors.Add(("person.enrol_kind", $"person {r.PsnNo} year {r.PYear}: unknown enrol_kind '{r.PEnrolKind}'"));
        if (!Codes.TryHardship(r.PHardship, out p.Hardship, out string? herr)) errors.Add(("person.hardship", $"person {r.PsnNo} year {r.PYear}: {herr}"));
        p.Birth = r.PBirth;
        p.Year = r.PYear;
        p.PaidDate = r.PPaidDate;
        p.PrevCoverEnd = r.PPrevCoverEnd;
        p.BrokenYears = r.PBrokenYears ?? 0;
        p.RepairedYears = r.PRepairedYears ?? 0;
        p.ContinuousYears = r.PContinuousYears ?? 0;
        p.ZeroClaimYears = r.PZeroClaimYears ?? 0;
        p.LargeAmountPaidDate = r.PLargeAmountPaidDate;
        p.AssistanceSubsidised = r.PAssistanceSubsidised ?? false;
        p.University = r.PUniversity;
        p.NotMaternityInsured = !r.PMaternityInsured;
        p.ArrearsFrom = r.PArrearsFrom;
        p.ArrearsPaid = r.PArrearsPaid;
        p.EmployeeRowStart = r.PEmployeeRow is { } er
            ? SettlementEngine.EmployeeBenefitStart(er.Centralised ? EnrolKind.Centralised : EnrolKind.MidYear, er.PaidDate, r.PYear)
            : null;
    }

    /// <summary>
    /// The largest amount a claim field may hold, in fen (100,000,000.00 yuan). Not a policy number but an arithmetic
    /// guard: the engine multiplies amounts by basis points and adds them up per person-year in <c>long</c>, and a
    /// value far beyond any real claim (1e15 yuan was seen) would overflow there and fail the whole batch. Such a claim
    /// is quarantined naming the claim and field instead.
    /// </summary>
    public const long MaxAbsFen = 10_000_000_000;

    // The bound as checked: whole yuan (MaxAbsFen / 100, integer division), in fen.
    private const long MaxAbsWholeYuanFen = MaxAbsFen / 100 * 100;

    private static bool Money(string field, decimal yuan, bool reversal, out long fen, List<(string, string)> errors)
    {
        // |yuan| > MaxAbsFen / 100 (whole yuan) is |fen| > that times 100 once fen is exact: checked on fen when the
        // conversion succeeds (no decimal compare), on yuan otherwise — the same rule and the same messages.
        bool exact = FenMath.TryFromDecimalYuan(yuan, out fen);
        if (exact ? fen > MaxAbsWholeYuanFen || fen < -MaxAbsWholeYuanFen : Math.Abs(yuan) > MaxAbsFen / 100)
        {
            fen = 0;
            errors.Add((field, $"money beyond sane bound: {field} {yuan} yuan (at most {FenMath.FormatYuan(MaxAbsFen)} in absolute value)"));
            return false;
        }
        if (!exact)
        {
            errors.Add((field, $"{field} {yuan} has more than two decimals"));
            return false;
        }
        if (fen < 0 && !reversal)
        {
            errors.Add((field, $"negative {field} {FenMath.FormatYuan(fen)} on a claim that is not a reversal"));
        }
        return true;
    }

    /// <summary>
    /// A reversal of <paramref name="of"/> can go through only against a settled original of the same person, not
    /// already reversed, with its accumulator delta stored, and with the original's amounts negated.
    /// </summary>
    public static void CheckReversal(string of, string psnNo, OriginalResult? orig, bool alreadyReversed, in ClaimIn c,
        List<(string Field, string Reason)> errors)
    {
        if (orig is null) errors.Add(("reversal_of", $"original claim {of} unknown (no settlement result)"));
        else if (orig.PsnNo != psnNo) errors.Add(("reversal_of", $"original claim {of} belongs to another person ({orig.PsnNo})"));
        else if (orig.Status != "settled") errors.Add(("reversal_of", $"original claim {of} is {orig.Status}; nothing to reverse"));
        else if (alreadyReversed) errors.Add(("reversal_of", $"original claim {of} is already reversed"));
        else if (orig.AccDelta is null) errors.Add(("reversal_of", $"original claim {of} has no stored accumulator delta"));
        else if (orig.Insutype is { } it && it != Codes.Insutype(c.InsuType)) errors.Add(("insutype", $"reversal insutype {Codes.Insutype(c.InsuType)} is not the original's ({it}): its running totals are that insutype's row (EL-01)"));
        else CheckNegation(c, orig, errors);
    }

    /// <summary>A reversal's amounts must be its original's, negated.</summary>
    public static void CheckNegation(in ClaimIn c, OriginalResult o, List<(string Field, string Reason)> errors)
    {
        Check("medfee_sumamt", c.MedfeeSumamt, o.Medfee, errors);
        Check("fulamt_ownpay_amt", c.FulamtOwnpayAmt, o.Fulamt, errors);
        Check("overlmt_selfpay", c.OverlmtSelfpay, o.Overlmt, errors);
        Check("preselfpay_amt", c.PreselfpayAmt, o.Preselfpay, errors);
        Check("inscp_scp_amt", c.InscpScpAmt, o.Inscp, errors);

        static void Check(string field, long amount, long original, List<(string, string)> errors)
        {
            if (amount != -original)
            {
                errors.Add((field, $"reversal {field} {FenMath.FormatYuan(amount)} is not the original's negated ({FenMath.FormatYuan(-original)})"));
            }
        }
    }
}
