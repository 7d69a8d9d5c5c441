namespace BatchSettle.Core.Settlement;

/// <summary>Constant reason texts and error codes of <see cref="SettlementOut.Reason"/> (no allocation per claim).</summary>
public static class Reasons
{
    public const string ReversalViaSettle = "BAD-INPUT reversal_of set: a reversal settles through Reverse";
    public const string BadCode = "BAD-INPUT a code is missing or unknown";
    public const string Negative = "BAD-INPUT negative amount";
    public const string Identity = "BAD-INPUT medfee_sumamt != fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt";
    public const string Dates = "BAD-INPUT enddate before begndate";
    public const string ChronicCode = "BAD-INPUT med_type 14 needs special_dise chronic:<code>";
    public const string ChronicNotListed = "BAD-INPUT special_dise: the chronic:<code> is not in the CONTRACT.md chronic list";
    public const string ChronicLanes = "BAD-INPUT CHR-01: more than 3 diseases with a monthly limit in one year (accumulator lanes)";
    public const string ChronicLimitTooLarge = "BAD-INPUT CHR-01: a monthly limit above 20,971.51 does not fit an accumulator lane";
    public const string TwoDiseaseCode = "BAD-INPUT med_type 9901 needs special_dise hypertension or diabetes";
    public const string BedDays = "BAD-INPUT YK-MA-08 needs bed_days for a psychiatric admission of T/O/D";
    public const string NotAReversal = "BAD-INPUT reversal_of is empty";
    public const string ReverseNotSettled = "BAD-INPUT reversal of a claim that was not settled";
    public const string ReverseAmounts = "BAD-INPUT reversal amounts are not the original's negated";
    public const string Reversal = "REVERSAL";
}
