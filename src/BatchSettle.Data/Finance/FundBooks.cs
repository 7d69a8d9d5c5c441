using System.Globalization;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

/// <summary>A finance verb was asked about something that does not exist or is not allowed (exit non-zero, say why).</summary>
public sealed class FinanceException(string message) : Exception(message);

/// <summary>Names and mappings shared by the fund books (FINANCE.md §1, §5).</summary>
public static class FundBooks
{
    public const string ExpenditureDeposit = "1004";
    public const string AdvanceAccount = "110101";
    public const string OverpaidAccount = "110102";
    public const string FundBalance = "3001";
    public const string OtherIncome = "4501";
    public const string CriticalIllness = "5101";

    /// <summary>The statement's med_type groups, in statement order.</summary>
    public static readonly string[] MedGroups = ["住院", "门诊", "慢特病", "生育"];

    public static readonly string[] FundPayTypes = ["310100", "330100", "390100", "390200", "610100"];

    /// <summary>The statement group of a med_type (CONTRACT.md Input 2): 21, 13 住院; 11 门诊; 14, 9901 慢特病; 51–53 生育.</summary>
    public static string MedGroupSql(string column) =>
        $"CASE WHEN {column} IN ('21', '13') THEN '住院' WHEN {column} IN ('14', '9901') THEN '慢特病' WHEN {column} IN ('51', '52', '53') THEN '生育' ELSE '门诊' END";

    /// <summary>The fund-book expense account a payment for this fund and group debits.</summary>
    public static string ExpenseAccount(string fundPayType, string medGroup) =>
        fundPayType == "390200" ? CriticalIllness : medGroup switch
        {
            "住院" => "500101",
            "门诊" => "500102",
            "慢特病" => "500103",
            "生育" => "500104",
            _ => throw new ArgumentOutOfRangeException(nameof(medGroup), medGroup, "unknown med_type group"),
        };

    public static string FundCode(string fundPayType) => fundPayType == "390200" ? "390100" : fundPayType;

    public static string BookCode(string admdvs, string fundPayType) => admdvs + "-" + FundCode(fundPayType);

    public static void CheckAdmdvs(string admdvs)
    {
        if (admdvs is not ("210500" or "210800")) throw new FinanceException($"unknown admdvs '{admdvs}' (210500 Benxi or 210800 Yingkou)");
    }

    public static void CheckFundPayType(string fpt)
    {
        if (Array.IndexOf(FundPayTypes, fpt) < 0) throw new FinanceException($"unknown fund_pay_type '{fpt}' ({string.Join(", ", FundPayTypes)})");
    }

    /// <summary>Parses YYYY-MM.</summary>
    public static DateOnly PeriodStart(string period)
    {
        if (period is null || period.Length != 7 || !DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            throw new FinanceException($"period '{period}' is not YYYY-MM");
        return d;
    }

    public static DateOnly PeriodEnd(string period) => PeriodStart(period).AddMonths(1).AddDays(-1);

    public static string PeriodOf(DateOnly d) => d.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string PreviousPeriod(string period) => PeriodOf(PeriodStart(period).AddMonths(-1));

    /// <summary>Splits <paramref name="amount"/> over non-negative weights by largest remainder (exact, deterministic).</summary>
    public static long[] Allocate(long amount, IReadOnlyList<long> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var result = new long[weights.Count];
        long total = 0;
        foreach (var w in weights) total += Math.Max(0, w);
        if (weights.Count == 0) return result;
        if (total == 0)
        {
            result[0] = amount;
            return result;
        }
        long given = 0;
        var rem = new (Int128 R, int I)[weights.Count];
        for (int i = 0; i < weights.Count; i++)
        {
            Int128 p = (Int128)amount * Math.Max(0, weights[i]);
            result[i] = (long)(p / total);
            rem[i] = (Int128.Abs(p % total), i);
            given += result[i];
        }
        long left = amount - given;
        int step = Math.Sign(left);
        foreach (var (_, i) in rem.OrderByDescending(x => x.R).ThenBy(x => x.I))
        {
            if (left == 0) break;
            result[i] += step;
            left -= step;
        }
        return result;
    }
}

/// <summary>One line of a voucher to post (debit or credit, a red-ink line negative on its side).</summary>
public sealed record VoucherLineIn(string Account, long Debit, long Credit, string? Counterparty = null, string? FundPayType = null);

/// <summary>Posts vouchers (记账凭证) to a fund book; the database checks period, chart and balance.</summary>
public static class Vouchers
{
    public static async Task<long> PostAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string bookCode, DateOnly date, string kind,
        string summary, IReadOnlyList<VoucherLineIn> lines, DateTimeOffset createdAt, string createdBy,
        long? corrects = null, string? method = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(conn);
        ArgumentNullException.ThrowIfNull(lines);
        string admdvs = bookCode[..6];
        string period = FundBooks.PeriodOf(date);
        // Serialises numbering within a book.
        await conn.ExecuteAsync(new CommandDefinition("SELECT 1 FROM fund_book WHERE book_code = @bookCode FOR UPDATE", new { bookCode }, tx, cancellationToken: ct));
        long id = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO voucher (book_code, admdvs, period, voucher_no, voucher_date, kind, summary, corrects_voucher_id, correction_method, created_at, created_by)
            VALUES (@bookCode, @admdvs, @period,
                    (SELECT COALESCE(max(voucher_no), 0) + 1 FROM voucher WHERE book_code = @bookCode AND period = @period),
                    @date, @kind, @summary, @corrects, @method, @createdAt, @createdBy)
            RETURNING voucher_id
            """,
            new { bookCode, admdvs, period, date = date.ToDateTime(TimeOnly.MinValue), kind, summary, corrects, method, createdAt, createdBy }, tx, cancellationToken: ct));
        int no = 0;
        foreach (var l in lines)
        {
            if (l.Debit == 0 && l.Credit == 0) continue;
            await conn.ExecuteAsync(new CommandDefinition(
                "INSERT INTO voucher_line (voucher_id, line_no, account_code, counterparty, fund_pay_type, debit, credit) VALUES (@id, @no, @a, @cp, @fpt, @d, @c)",
                new { id, no = ++no, a = l.Account, cp = l.Counterparty, fpt = l.FundPayType, d = l.Debit, c = l.Credit }, tx, cancellationToken: ct));
        }
        return id;
    }

    /// <summary>
    /// Red-ink correction (红字冲销) of a whole voucher: the same accounts and sides with every amount negated, dated
    /// <paramref name="date"/> (in an open period), linked to the original, which is never touched.
    /// </summary>
    public static async Task<long> ReverseAsync(NpgsqlDataSource ds, long voucherId, DateOnly date, string summary, TimeProvider time, string by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(time);
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var book = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT book_code FROM voucher WHERE voucher_id = @voucherId", new { voucherId }, tx, cancellationToken: ct))
            ?? throw new FinanceException($"voucher {voucherId} does not exist");
        var lines = (await conn.QueryAsync<(string A, string? Cp, string? Fpt, long D, long C)>(new CommandDefinition(
            "SELECT account_code, counterparty, fund_pay_type, debit, credit FROM voucher_line WHERE voucher_id = @voucherId ORDER BY line_no",
            new { voucherId }, tx, cancellationToken: ct))).Select(l => new VoucherLineIn(l.A, -l.D, -l.C, l.Cp, l.Fpt)).ToList();
        long id = await PostAsync(conn, tx, book, date, "correction", summary, lines, time.GetUtcNow(), by, voucherId, "red", ct);
        await tx.CommitAsync(ct);
        return id;
    }
}
