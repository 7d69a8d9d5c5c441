namespace BatchSettle.Generator;

/// <summary>
/// Writes synthetic persons.csv and claims.csv (CONTRACT.md Inputs 1 and 2) for one batch month of both regions.
/// Deterministic: one seed, one output, byte for byte (own PRNG, integer arithmetic, '\n' line ends, invariant formats).
/// Streaming: persons are derived from (seed, index) on demand, never held, so memory does not grow with the row count.
/// </summary>
internal sealed partial class DataGenerator
{
    public const string PersonsHeader =
        "psn_no,admdvs,insutype,brdy,year,enrol_kind,paid_date,prev_cover_end,broken_years,repaired_years," +
        "continuous_years,zero_claim_years,large_amount_paid_date,hardship,assistance_subsidised";

    public const string ClaimsHeader =
        "batch_id,setl_id,psn_no,admdvs,insutype,med_type,fixmedins_code,hosp_lv,fac_kind,designated,setting," +
        "in_province,transfer_from_lv,begndate,enddate,bed_days,dise_codg,special_dise,excl_cause,emergency,approved," +
        "medfee_sumamt,fulamt_ownpay_amt,overlmt_selfpay,preselfpay_amt,inscp_scp_amt,reversal_of";

    private const ulong ClaimStream = 0x434C_4149_4D53_0000UL; // "CLAIMS"

    private readonly GenerateOptions _o;
    private readonly CsvLine _line = new();
    private readonly GenerateStats _stats = new();
    private Xoshiro256 _rng;
    private long _nextSeq = 1;

    private DataGenerator(in GenerateOptions o)
    {
        _o = o;
        _rng = Xoshiro256.ForStream(o.Seed, ClaimStream);
    }

    /// <summary>Writes both files' contents (header first) and returns what was written.</summary>
    public static GenerateStats Write(in GenerateOptions o, TextWriter persons, TextWriter claims)
    {
        ArgumentNullException.ThrowIfNull(persons);
        ArgumentNullException.ThrowIfNull(claims);
        var g = new DataGenerator(o);
        g.WritePersons(persons);
        g.WriteClaims(claims);
        return g._stats;
    }
}
