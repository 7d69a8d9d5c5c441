using System.Diagnostics;
using System.Text;
using BatchSettle.Data.Embedded;
using Xunit;

namespace BatchSettle.Cli.Tests;

/// <summary>The finance verbs as a user runs them: the built batchsettle executable against a real PostgreSQL.</summary>
public sealed class FinanceCliTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bs-fincli-").FullName;
    // Not under _dir: the cluster is handed to the service user, who cannot enter a 0700 temp folder of ours.
    private readonly string _pgDir = Path.Combine(Path.GetTempPath(), "batchsettle-fincli-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? _pg;
    private string _db = "";

    public async Task InitializeAsync()
    {
        _pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = _pgDir, Durable = false });
        await _pg.CreateDatabaseAsync("fin");
        _db = _pg.ConnectionString("fin");
    }

    public async Task DisposeAsync()
    {
        if (_pg is not null) await _pg.StopAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
        try { Directory.Delete(_pgDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private (int Code, string Out, string Err) Cli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        psi.ArgumentList.Add(WorkerProcess.ExecutablePath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["BATCHSETTLE_DB"] = _db;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o, err.Result);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void MonthEnd_FromTheCommandLine()
    {
        const string Persons = "psn_no,admdvs,insutype,brdy,year,enrol_kind,paid_date,prev_cover_end,broken_years,repaired_years,continuous_years,zero_claim_years,large_amount_paid_date,hardship,assistance_subsidised\n" +
            "P1,210500,390,1960-05-01,2025,centralised,2024-12-01,,0,0,5,0,,,false\nP2,210500,390,1970-05-01,2025,centralised,2024-12-01,,0,0,5,0,,,false\n";
        const string Claims = "batch_id,setl_id,psn_no,admdvs,insutype,med_type,fixmedins_code,hosp_lv,fac_kind,designated,setting,in_province,transfer_from_lv,begndate,enddate,bed_days,dise_codg,special_dise,excl_cause,emergency,approved,medfee_sumamt,fulamt_ownpay_amt,overlmt_selfpay,preselfpay_amt,inscp_scp_amt,reversal_of\n" +
            "210500-2025-03,2105002025030000031579,P1,210500,390,21,H1,3,general,true,local,true,,2025-03-10,2025-03-10,5,I10,,,false,false,10050.00,50.00,0,0,10000.00,\n" +
            "210500-2025-03,2105002025030000031580,P2,210500,390,21,H2,3,general,true,local,true,,2025-03-11,2025-03-11,5,I10,,,false,false,5000.00,0,0,0,5000.00,\n";
        var load = Cli("load", "--persons", Write("p.csv", Persons), "--claims", Write("c.csv", Claims));
        Assert.True(load.Code == 0, load.Err);
        Assert.Equal(0, Cli("run", "--batch", "210500-2025-03").Code);

        // Guard rails: unknown batch or period → non-zero with a clear message.
        var export = Cli("export", "--batch", "210500-2025-09", "--results", Path.Combine(_dir, "x.csv"));
        Assert.Equal(1, export.Code);
        Assert.Contains("does not exist", export.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.csv")));
        var rec = Cli("reconcile", "--batch", "210500-2025-09");
        Assert.Equal(1, rec.Code);
        Assert.Contains("does not exist", rec.Err, StringComparison.Ordinal);
        foreach (var verb in new[] { new[] { "statements" }, ["outstanding"], ["report", "trial-balance"], ["period", "close"], ["finance-export", "--out", _dir] })
        {
            var r = Cli([.. verb, "--admdvs", "210500", "--period", "2025-09"]);
            Assert.True(r.Code == 1, $"{string.Join(' ', verb)}: {r.Out} {r.Err}");
            Assert.Contains("2025-09 does not exist", r.Err, StringComparison.Ordinal);
        }

        // Opening balances: a bad line names its line and field and posts nothing; a good file posts once.
        const string OpeningHeader = "admdvs,fund_code,account_code,counterparty,debit,credit\n";
        var badOpening = Cli("opening-balances", "--period", "2025-03", "--file", Write("ob-bad.csv", OpeningHeader + "210500,390100,1004,,100.00,\n210500,390100,3001,,,1O0.00\n"));
        Assert.Equal(1, badOpening.Code);
        Assert.Contains("line 3 field credit", badOpening.Err, StringComparison.Ordinal);
        string obFile = Write("ob.csv", OpeningHeader + "210500,390100,1004,,100000.00,\n210500,390100,3001,,,100000.00\n");
        var opening = Cli("opening-balances", "--period", "2025-03", "--file", obFile);
        Assert.True(opening.Code == 0, opening.Err);
        Assert.Contains("210500-390100 2025-03: opening balances posted", opening.Out, StringComparison.Ordinal);
        var openingAgain = Cli("opening-balances", "--period", "2025-03", "--file", obFile);
        Assert.Equal(1, openingAgain.Code);
        Assert.Contains("already has its opening balances", openingAgain.Err, StringComparison.Ordinal);

        var close = Cli("period", "close", "--admdvs", "210500", "--period", "2025-03");
        Assert.True(close.Code == 0, close.Err);
        Assert.Contains("closed", close.Out, StringComparison.Ordinal);
        var st = Cli("statements", "--admdvs", "210500", "--period", "2025-03", "--xlsx", Path.Combine(_dir, "s.xlsx"));
        Assert.True(st.Code == 0, st.Err);
        Assert.Contains("issued at close", st.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "s.xlsx")));

        // Pay H1 in full from a file; a repeated bank reference is refused (exit 1), nothing doubles.
        var owed = Cli("outstanding", "--admdvs", "210500", "--period", "2025-04");
        Assert.Equal(1, owed.Code); // April does not exist yet: nothing posted in it.
        var march = Cli("outstanding", "--admdvs", "210500", "--period", "2025-03");
        Assert.True(march.Code == 0, march.Err);
        string h1Line = march.Out.Split('\n').Single(l => l.TrimStart().StartsWith("H1 ", StringComparison.Ordinal));
        string h1Owed = h1Line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5];
        string pay = Write("pay.csv", $"fixmedins_code,period,fund_pay_type,amount,paid_date,bank_ref\nH1,2025-03,390100,{h1Owed.Replace(",", "", StringComparison.Ordinal)},2025-04-15,BANK-1\n");
        var paid = Cli("payments", "--admdvs", "210500", "--file", pay);
        Assert.True(paid.Code == 0, paid.Err);
        var again = Cli("payments", "--admdvs", "210500", "--file", pay);
        Assert.Equal(1, again.Code);
        Assert.Contains("duplicate", again.Err, StringComparison.Ordinal);
        var april = Cli("outstanding", "--admdvs", "210500", "--period", "2025-04");
        Assert.True(april.Code == 0, april.Err);
        Assert.DoesNotContain(april.Out.Split('\n'), l => l.TrimStart().StartsWith("H1 ", StringComparison.Ordinal));
        Assert.Contains(april.Out.Split('\n'), l => l.TrimStart().StartsWith("H2 ", StringComparison.Ordinal));

        var tb = Cli("report", "trial-balance", "--admdvs", "210500", "--period", "2025-04", "--fund", "390100");
        Assert.True(tb.Code == 0, tb.Err);
        Assert.Contains("支出户存款", tb.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("DIFFERENCE", tb.Out, StringComparison.Ordinal);
        var fx = Cli("finance-export", "--admdvs", "210500", "--period", "2025-04", "--out", Path.Combine(_dir, "fin"));
        Assert.True(fx.Code == 0, fx.Err);
        Assert.True(Directory.GetFiles(Path.Combine(_dir, "fin"), "*.xlsx").Length >= 10);
        var x = Cli("export", "--batch", "210500-2025-03", "--results", Path.Combine(_dir, "r.xlsx"));
        Assert.True(x.Code == 0, x.Err);
    }
}
