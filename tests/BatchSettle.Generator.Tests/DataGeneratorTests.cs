using Xunit;
using System.Globalization;
using BatchSettle.Core.Money;

namespace BatchSettle.Generator.Tests;

public sealed class DataGeneratorTests
{
    private static readonly Lazy<GeneratedFiles> Small = new(() => new GeneratedFiles(3_000, 20_000, 42));
    private static readonly Lazy<GeneratedFiles> Large = new(() => new GeneratedFiles(25_000, 100_000, 7));

    // Spelled out from CONTRACT.md rather than taken from the generator, so a drift in either is caught.
    private static readonly string[] ContractPersonColumns =
    [
        "psn_no", "admdvs", "insutype", "brdy", "year", "enrol_kind", "paid_date", "prev_cover_end", "broken_years",
        "repaired_years", "continuous_years", "zero_claim_years", "large_amount_paid_date", "hardship", "assistance_subsidised",
    ];

    private static readonly string[] ContractClaimColumns =
    [
        "batch_id", "setl_id", "psn_no", "admdvs", "insutype", "med_type", "fixmedins_code", "hosp_lv", "fac_kind",
        "designated", "setting", "in_province", "transfer_from_lv", "begndate", "enddate", "bed_days", "dise_codg",
        "special_dise", "excl_cause", "emergency", "approved", "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay",
        "preselfpay_amt", "inscp_scp_amt", "reversal_of",
    ];

    private static readonly string[] MoneyColumns =
        ["medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt"];

    [Fact]
    public void Write_Headers_MatchContractExactly()
    {
        var g = Small.Value;
        Assert.Equal(ContractPersonColumns, g.PersonsHeader);
        Assert.Equal(ContractClaimColumns, g.ClaimsHeader);
    }

    [Fact]
    public void Write_SameSeed_IdenticalText()
    {
        var again = new GeneratedFiles(3_000, 20_000, 42);
        Assert.Equal(Small.Value.PersonsText, again.PersonsText);
        Assert.Equal(Small.Value.ClaimsText, again.ClaimsText);
    }

    [Fact]
    public void Write_ExactClaimCount_AndStatsAddUp()
    {
        var g = Small.Value;
        Assert.Equal(20_000, g.Claims.Count);
        Assert.Equal(20_000, g.Stats.ClaimRows);
        Assert.Equal(g.Stats.ClaimRows, g.Stats.BenxiClaims + g.Stats.YingkouClaims);
        Assert.Equal(g.Persons.Count, g.Stats.PersonRows);
    }

    [Fact]
    public void Write_GoodRows_SatisfyAmountIdentity_BadRowsAreExactlyTheDeliberateOnes()
    {
        var g = Large.Value;
        long identityBroken = 0, negative = 0, unparseable = 0;
        foreach (var row in g.Claims)
        {
            var fen = new long[MoneyColumns.Length];
            bool parsed = true;
            for (int k = 0; k < MoneyColumns.Length; k++)
            {
                parsed &= FenMath.TryParseYuan(row[MoneyColumns[k]], out fen[k]);
            }
            if (!parsed)
            {
                unparseable++;
                continue;
            }
            if (fen[0] != fen[1] + fen[2] + fen[3] + fen[4]) identityBroken++;
            bool reversal = row["reversal_of"].Length > 0;
            foreach (long f in fen)
            {
                if (reversal ? f > 0 : f < 0)
                {
                    if (!reversal) negative++;
                    else Assert.Fail($"reversal {row["setl_id"]} has a positive amount");
                    break;
                }
            }
        }
        Assert.Equal(g.Stats.Bad[(int)BadRowKind.AmountIdentityBroken], identityBroken);
        Assert.Equal(g.Stats.Bad[(int)BadRowKind.NegativeAmount], negative);
        Assert.Equal(g.Stats.Bad[(int)BadRowKind.ThreeDecimals], unparseable);
        Assert.InRange(g.Stats.BadTotal, 50, 200); // ~0.1% of 100k
    }

    [Fact]
    public void Write_Reversals_NegateAnEarlierClaimOfSamePersonAndBatch()
    {
        var g = Large.Value;
        var bySetl = new Dictionary<string, (int Index, Dictionary<string, string> Row)>(StringComparer.Ordinal);
        for (int i = 0; i < g.Claims.Count; i++) bySetl[g.Claims[i]["setl_id"]] = (i, g.Claims[i]);
        Assert.Equal(g.Claims.Count, bySetl.Count); // setl_id unique
        int reversals = 0;
        for (int i = 0; i < g.Claims.Count; i++)
        {
            var r = g.Claims[i];
            if (r["reversal_of"].Length == 0) continue;
            reversals++;
            Assert.True(bySetl.TryGetValue(r["reversal_of"], out var orig), $"reversal_of {r["reversal_of"]} not found");
            Assert.True(orig.Index < i);
            Assert.True(string.CompareOrdinal(orig.Row["setl_id"], r["setl_id"]) < 0);
            Assert.Equal(orig.Row["psn_no"], r["psn_no"]);
            Assert.Equal(orig.Row["batch_id"], r["batch_id"]);
            Assert.Equal(orig.Row["enddate"], r["enddate"]);
            foreach (string m in MoneyColumns)
            {
                Assert.True(FenMath.TryParseYuan(orig.Row[m], out long a));
                Assert.True(FenMath.TryParseYuan(r[m], out long b));
                Assert.Equal(-a, b);
            }
        }
        Assert.Equal(g.Stats.Reversals, reversals);
        Assert.True(reversals > 100);
    }

    [Fact]
    public void Write_ClaimsEndInBatchMonth_AndReferToKnownPersons()
    {
        var g = Large.Value;
        var persons = new HashSet<string>(StringComparer.Ordinal);
        var personYears = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in g.Persons)
        {
            persons.Add(p["psn_no"]);
            Assert.True(personYears.Add(p["psn_no"] + "/" + p["year"]), "one row per person and year");
            Assert.StartsWith(p["admdvs"], p["psn_no"], StringComparison.Ordinal);
        }
        long unknown = 0, badDates = 0;
        foreach (var c in g.Claims)
        {
            Assert.Equal(c["admdvs"] + "-2025-03", c["batch_id"]);
            if (!persons.Contains(c["psn_no"])) unknown++;
            if (!DateOnly.TryParseExact(c["enddate"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            {
                badDates++;
                continue;
            }
            Assert.Equal(2025, end.Year);
            Assert.Equal(3, end.Month);
            var begin = DateOnly.ParseExact(c["begndate"], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.True(begin <= end);
        }
        Assert.Equal(g.Stats.Bad[(int)BadRowKind.UnknownPerson], unknown);
        Assert.Equal(g.Stats.Bad[(int)BadRowKind.UnparseableDate], badDates);
    }

    [Fact]
    public void Write_100kClaims_CoverEveryCode()
    {
        var g = Large.Value;
        AssertCovers(g.Claims, "admdvs", "210500", "210800");
        AssertCovers(g.Claims, "insutype", "310", "390");
        AssertCovers(g.Claims, "med_type", "11", "13", "14", "21", "51", "52", "53", "9901");
        AssertCovers(g.Claims, "hosp_lv", "1", "2", "3", "3A");
        AssertCovers(g.Claims, "fac_kind", "general", "tcm", "specialty", "primary", "county");
        AssertCovers(g.Claims, "setting", "local", "filed_remote", "referred", "temporary", "emergency_remote");
        AssertCovers(g.Claims, "designated", "true", "false");
        AssertCovers(g.Claims, "in_province", "true", "false");
        AssertCovers(g.Claims, "transfer_from_lv", "1", "2", "3", "3A");
        AssertCovers(g.Claims, "special_dise", "tb", "hepatitis", "psychiatric", "hypertension", "diabetes", "child_major");
        AssertCovers(g.Claims, "special_dise", Array.ConvertAll(ChronicCodes.All, c => "chronic:" + c));
        AssertCovers(g.Claims, "excl_cause", "abroad", "work_injury", "public_health", "third_party", "misconduct", "addiction");
        AssertCovers(g.Claims, "emergency", "true", "false", "");
        AssertCovers(g.Claims, "approved", "true", "false", "");
        AssertCovers(g.Persons, "enrol_kind", "centralised", "mid_year", "newborn", "job_loss", "veteran_or_released", "graduate", "student");
        AssertCovers(g.Persons, "year", "2025", "2024");
        AssertCovers(g.Persons, "assistance_subsidised", "true", "false", "");
        for (int k = 0; k < GenerateStats.BadKinds; k++) Assert.True(g.Stats.Bad[k] > 0, $"no bad row of kind {(BadRowKind)k}");

        var identities = new HashSet<char>();
        bool midYearIdentity = false;
        foreach (var p in g.Persons)
        {
            foreach (string part in p["hardship"].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                identities.Add(part[0]);
                midYearIdentity |= part[2..].StartsWith("2025-", StringComparison.Ordinal);
            }
        }
        Assert.Equal("DEFIMNOST", string.Concat(identities.Order()));
        Assert.True(midYearIdentity, "some identity should start during the year");
        Assert.Contains(g.Persons, p => p["broken_years"] != "0");
        Assert.Contains(g.Persons, p => p["prev_cover_end"].Length > 0);
        Assert.Contains(g.Persons, p => p["insutype"] == "310" && p["large_amount_paid_date"].Length > 0);
        Assert.Contains(g.Persons, p => p["insutype"] == "310" && p["large_amount_paid_date"].Length == 0);
    }

    [Fact]
    public void Write_Amounts_AreRealistic()
    {
        var g = Large.Value;
        var inpatient = new List<long>();
        var outpatient = new List<long>();
        foreach (var c in g.Claims)
        {
            if (c["reversal_of"].Length > 0 || !FenMath.TryParseYuan(c["medfee_sumamt"], out long fee)) continue;
            if (c["med_type"] == "21") inpatient.Add(fee);
            else if (c["med_type"] == "11") outpatient.Add(fee);
        }
        inpatient.Sort();
        outpatient.Sort();
        Assert.InRange(outpatient[outpatient.Count / 2], 20_00, 1_000_00);          // tens to hundreds of yuan
        Assert.InRange(inpatient[inpatient.Count / 2], 3_000_00, 30_000_00);        // thousands to tens of thousands
        Assert.True(inpatient[^1] >= 300_000_00, "the long tail reaches several hundred thousand");
    }

    [Fact]
    public void Write_OtherMonth_ClaimsEndInThatMonth()
    {
        var g = new GeneratedFiles(500, 2_000, 1, 2024, 12);
        Assert.All(g.Claims, c => Assert.Equal(c["admdvs"] + "-2024-12", c["batch_id"]));
        Assert.All(g.Persons, p => Assert.Contains(p["year"], new[] { "2024", "2023" }));
    }

    private static void AssertCovers(List<Dictionary<string, string>> rows, string column, params string[] values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rows) seen.Add(r[column]);
        foreach (string v in values) Assert.True(seen.Contains(v), $"{column} never '{v}'");
    }
}
