using System.Globalization;
using System.Text;

namespace BatchSettle.Data.Tests;

/// <summary>Small contract CSVs written to a temp folder.</summary>
internal sealed class TestData : IDisposable
{
    public const string PersonsHeader =
        "psn_no,admdvs,insutype,brdy,year,enrol_kind,paid_date,prev_cover_end,broken_years,repaired_years,continuous_years,zero_claim_years,large_amount_paid_date,hardship,assistance_subsidised";

    public const string ClaimsHeader =
        "batch_id,setl_id,psn_no,admdvs,insutype,med_type,fixmedins_code,hosp_lv,fac_kind,designated,setting,in_province,transfer_from_lv,begndate,enddate,bed_days,dise_codg,special_dise,excl_cause,emergency,approved,medfee_sumamt,fulamt_ownpay_amt,overlmt_selfpay,preselfpay_amt,inscp_scp_amt,reversal_of";

    public const string Batch = "210500-2025-03";

    public string Dir { get; } = Directory.CreateTempSubdirectory("bs-data-").FullName;

    public string Write(string name, string header, IEnumerable<string> rows)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, header + "\n" + string.Join("\n", rows) + "\n", new UTF8Encoding(false));
        return path;
    }

    public static string Person(string psn, string admdvs = "210500", string insutype = "390", string hardship = "") =>
        $"{psn},{admdvs},{insutype},1960-05-01,2025,centralised,2024-12-01,,0,0,5,0,,{hardship},false";

    public static string Claim(string setl, string psn, string end, decimal inscp, decimal own = 0, string medType = "21",
        string admdvs = "210500", string insutype = "390", string hospLv = "3", string? reversalOf = null, string fac = "H001")
    {
        var ic = CultureInfo.InvariantCulture;
        decimal total = inscp + own;
        return string.Create(ic,
            $"{Batch},{setl},{psn},{admdvs},{insutype},{medType},{fac},{hospLv},general,true,local,true,,{end},{end},5,I10,,,false,false,{total:0.00},{own:0.00},0,0,{inscp:0.00},{reversalOf}");
    }

    /// <summary>The claims of <paramref name="claimsFile"/> (no header) filed under <paramref name="batchId"/> instead of
    /// <see cref="Batch"/>, with new setl ids (S… → Q…, R… → T…, reversal_of following), for a second batch of the same
    /// persons.</summary>
    public static IEnumerable<string> ClaimsOfBatch(string claimsFile, string batchId) =>
        File.ReadAllLines(claimsFile).Skip(1).Where(l => l.Length > 0).Select(l => batchId + l[Batch.Length..]
            .Replace(",S", ",Q", StringComparison.Ordinal).Replace(",R", ",T", StringComparison.Ordinal));

    /// <summary>n persons with 1–3 in-city inpatient claims each (Benxi residents, some Yingkou), one reversal.</summary>
    public (string Persons, string Claims) Standard(int persons = 30)
    {
        var p = new List<string>();
        var c = new List<string>();
        for (int i = 0; i < persons; i++)
        {
            string psn = $"P{i:D4}";
            bool yk = i % 5 == 4;
            p.Add(Person(psn, yk ? "210800" : "210500", "390", i % 7 == 3 ? "D:2024-03-01" : ""));
            int n = 1 + (i % 3);
            for (int k = 0; k < n; k++)
            {
                c.Add(Claim($"S{i:D4}-{k}", psn, $"2025-03-{10 + k:D2}", 1000m * (i % 9 + 1) + 123.45m * k, 50m,
                    admdvs: yk ? "210800" : "210500", hospLv: (1 + (i + k) % 3).ToString(CultureInfo.InvariantCulture), fac: $"H{i % 4}"));
            }
        }
        // Person 0 reverses its first claim later in the month.
        c.Add(Claim("R0000", "P0000", "2025-03-25", -1000m, -50m, reversalOf: "S0000-0"));
        return (Write("persons.csv", PersonsHeader, p), Write("claims.csv", ClaimsHeader, c));
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
