namespace BatchSettle.Data.Staging;

/// <summary>How a CSV column is typed at load.</summary>
internal enum ColType : byte
{
    Text,
    Date,
    Int,
    Bool,
    Money,
    Hardship,
}

/// <summary>One contract column (CONTRACT.md Inputs 1 and 2).</summary>
/// <param name="Default">(v2) The value of an optional column a file leaves out or leaves empty; null = SQL null.</param>
internal sealed record ColSpec(string Name, ColType Type, bool Required, object? Default = null);

/// <summary>The contract's input columns, in staging-table order.</summary>
internal static class StagingColumns
{
    public static readonly ColSpec[] Persons =
    [
        new("psn_no", ColType.Text, true),
        new("admdvs", ColType.Text, true),
        new("insutype", ColType.Text, true),
        new("brdy", ColType.Date, true),
        new("year", ColType.Int, true),
        new("enrol_kind", ColType.Text, true),
        new("paid_date", ColType.Date, true),
        new("prev_cover_end", ColType.Date, false),
        new("broken_years", ColType.Int, false),
        new("repaired_years", ColType.Int, false),
        new("continuous_years", ColType.Int, false),
        new("zero_claim_years", ColType.Int, false),
        new("large_amount_paid_date", ColType.Date, false),
        new("hardship", ColType.Hardship, false),
        new("assistance_subsidised", ColType.Bool, false),
        new("university", ColType.Bool, false, false),
        new("maternity_insured", ColType.Bool, false, true),
        new("arrears_from", ColType.Date, false),
        new("arrears_paid", ColType.Date, false),
    ];

    public static readonly ColSpec[] Claims =
    [
        new("batch_id", ColType.Text, true),
        new("setl_id", ColType.Text, true),
        new("psn_no", ColType.Text, true),
        new("admdvs", ColType.Text, true),
        new("insutype", ColType.Text, true),
        new("med_type", ColType.Text, true),
        new("fixmedins_code", ColType.Text, true),
        new("hosp_lv", ColType.Text, true),
        new("fac_kind", ColType.Text, true),
        new("designated", ColType.Bool, true),
        new("setting", ColType.Text, true),
        new("in_province", ColType.Bool, true),
        new("transfer_from_lv", ColType.Text, false),
        new("begndate", ColType.Date, true),
        new("enddate", ColType.Date, true),
        new("bed_days", ColType.Int, false),
        new("dise_codg", ColType.Text, false),
        new("special_dise", ColType.Text, false),
        new("excl_cause", ColType.Text, false),
        new("emergency", ColType.Bool, false),
        new("approved", ColType.Bool, false),
        new("medfee_sumamt", ColType.Money, true),
        new("fulamt_ownpay_amt", ColType.Money, true),
        new("overlmt_selfpay", ColType.Money, true),
        new("preselfpay_amt", ColType.Money, true),
        new("inscp_scp_amt", ColType.Money, true),
        new("reversal_of", ColType.Text, false),
        new("dise_qualified", ColType.Bool, false, false),
        new("high_value_drug", ColType.Bool, false, false),
    ];
}
