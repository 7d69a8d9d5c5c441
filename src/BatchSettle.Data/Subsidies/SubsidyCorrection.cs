using System.Globalization;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Subsidy;
using BatchSettle.Data.Migrations;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Subsidies;

/// <summary>What a correction did (or found), for the CLI.</summary>
public sealed record SubsidyCorrectionResult(
    string PsnNo,
    int Year,
    string Admdvs,
    int PostingNo,
    bool Posted,
    long Amount,
    long City,
    long County,
    long? EntryId,
    long? RunId,
    string Message,
    string? Period = null)
{
    public string Format() => Message + "\n";
}

/// <summary>
/// Corrects a posted premium subsidy (POLICY.md §10 LG-01, §11 PS-01; migration 046): <c>ReverseAsync</c> posts
/// the red-ink reversal of a person-year's posting in force (a premium_subsidy_reversal row, the exact negation, and
/// one ledger entry of kind <c>subsidy_reversal</c> with the original entry's lines, same accounts and sides, amounts
/// negated); <c>RepostAsync</c> computes the person-year again from the registry as it is now and posts it as the
/// next posting, only once the previous one is reversed. Both append only, in one transaction under the region-year's
/// advisory lock (the one <see cref="SubsidyPoster"/> takes); the tables' keys and triggers are the last guard (a
/// posting is reversed at most once; posting n + 1 needs posting n reversed).
/// </summary>
public sealed class SubsidyCorrection(NpgsqlDataSource dataSource, TimeProvider time)
{
    public Task<SubsidyCorrectionResult> ReverseAsync(string psnNo, int year, string reason, string requestedBy = "",
        CancellationToken ct = default) => ReverseAsync(psnNo, year, reason, requestedBy, null, ct);

    /// <summary>
    /// The red-ink reversal, filed in <paramref name="intoPeriod"/> when given, else in the posting's own period (Y-01)
    /// while that is open, else in the region's current open period (<see cref="FilingPeriodAsync"/>). A closed period
    /// is refused by the database.
    /// </summary>
    public async Task<SubsidyCorrectionResult> ReverseAsync(string psnNo, int year, string reason, string requestedBy, string? intoPeriod,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(psnNo);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentNullException.ThrowIfNull(requestedBy);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var last = await LastPostingAsync(conn, tx, psnNo, year, ct)
            ?? throw new InvalidOperationException($"no premium subsidy is posted for {psnNo} in {year}: nothing to reverse");
        await LockAsync(conn, tx, last.Admdvs, year, ct);
        last = await LastPostingAsync(conn, tx, psnNo, year, ct) ?? throw new InvalidOperationException("posting vanished");
        if (last.ReversalEntry is { } re)
        {
            throw new InvalidOperationException(
                $"premium subsidy {psnNo} {year} posting {last.PostingNo} (entry {last.EntryId}) is already reversed (entry {re}); " +
                "a posting is reversed once — repost it first to correct it again");
        }
        var postedAt = time.GetUtcNow();
        string period = await FilingPeriodAsync(conn, tx, last.Admdvs, year, intoPeriod, ct);
        long entryId = await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT nextval('ledger_entry_seq')", transaction: tx, cancellationToken: ct));
        long correctionId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO premium_subsidy_reversal (psn_no, year, posting_no, admdvs, category, amount, city_amount, county_amount,
                original_entry_id, entry_id, reason, requested_by, posted_at, period)
            SELECT psn_no, year, posting_no, admdvs, category, -amount, -city_amount, -county_amount, entry_id, @entryId,
                   @reason, @requestedBy, @postedAt, @period
            FROM premium_subsidy WHERE psn_no = @psnNo AND year = @year AND posting_no = @postingNo
            RETURNING correction_id
            """, new { psnNo, year, postingNo = last.PostingNo, entryId, reason, requestedBy, postedAt, period }, tx, cancellationToken: ct));
        int lines = await conn.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type,
                fixmedins_code, debit, credit)
            SELECT @entryId, l.line_no, l.setl_id, @correctionId, l.batch_id, '{SubsidyLedger.ReversalKind}', @postedAt, l.account,
                   l.fund_pay_type, l.fixmedins_code, -l.debit, -l.credit
            FROM ledger_line l WHERE l.entry_id = @original ORDER BY l.line_no
            """, new { entryId, correctionId, postedAt, original = last.EntryId }, tx, cancellationToken: ct));
        if (lines == 0) throw new InvalidOperationException($"subsidy entry {last.EntryId} has no ledger lines to reverse");
        await Infrastructure.PostingSeal.SealAsync(conn, tx, Infrastructure.PostingSeal.SubsidyReversal, correctionId, last.Admdvs, year, postedAt, ct);
        await tx.CommitAsync(ct);
        return new SubsidyCorrectionResult(psnNo, year, last.Admdvs, last.PostingNo, true, -last.Amount, -last.City, -last.County,
            entryId, correctionId, string.Create(CultureInfo.InvariantCulture,
                $"premium subsidy {psnNo} {year} posting {last.PostingNo} ({last.Category}, {FenMath.FormatYuan(last.Amount)}, entry {last.EntryId}) reversed red-ink: entry {entryId}, {FenMath.FormatYuan(-last.Amount)} (correction {correctionId}), filed in period {period}{(period == OwnPeriod(year) ? "" : $" (its own period {OwnPeriod(year)} is closed)")}; repost with --repost"),
            period);
    }

    public Task<SubsidyCorrectionResult> RepostAsync(string psnNo, int year, string requestedBy = "", CancellationToken ct = default) =>
        RepostAsync(psnNo, year, requestedBy, null, ct);

    /// <summary>The repost (a supplementary entry), filed like a reversal (<see cref="FilingPeriodAsync"/>).</summary>
    public async Task<SubsidyCorrectionResult> RepostAsync(string psnNo, int year, string requestedBy, string? intoPeriod, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(psnNo);
        ArgumentNullException.ThrowIfNull(requestedBy);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var last = await LastPostingAsync(conn, tx, psnNo, year, ct)
            ?? throw new InvalidOperationException(
                $"no premium subsidy was ever posted for {psnNo} in {year}: nothing to repost (post it with subsidies --year {year} --admdvs <admdvs>)");
        await LockAsync(conn, tx, last.Admdvs, year, ct);
        last = await LastPostingAsync(conn, tx, psnNo, year, ct) ?? throw new InvalidOperationException("posting vanished");
        if (last.ReversalEntry is null)
        {
            throw new InvalidOperationException(
                $"premium subsidy {psnNo} {year} posting {last.PostingNo} (entry {last.EntryId}) is in force: reverse it first (--reverse), then repost");
        }

        var person = await conn.QuerySingleOrDefaultAsync<(string Admdvs, DateOnly PaidDate, string? Hardship)?>(new CommandDefinition(
            "SELECT admdvs, paid_date, hardship FROM staging_person WHERE psn_no = @psnNo AND year = @year AND insutype = '390'",
            new { psnNo, year }, tx, cancellationToken: ct))
            ?? throw new InvalidOperationException($"no resident registry row for {psnNo} in {year}: nothing to repost");
        if (person.Admdvs != last.Admdvs)
        {
            throw new InvalidOperationException(
                $"{psnNo} {year}: the registry row is now of {person.Admdvs}, the reversed posting was of {last.Admdvs}; a repost stays in the posting's region");
        }
        if (!Codes.TryRegion(person.Admdvs, out var region)) throw new InvalidOperationException($"{psnNo}: unreadable admdvs '{person.Admdvs}'");
        if (!Codes.TryHardship(person.Hardship, out var starts, out string? error))
        {
            throw new InvalidOperationException($"{psnNo} {year}: hardship: {error}");
        }
        var policy = new PolicySet(await PolicyRows.ReadAllAsync(conn, ct));
        var onDate = SubsidyLedger.IdentityDate(year, person.PaidDate);
        var r = PremiumSubsidy.Compute(policy,
            new PersonIn { PsnNo = psnNo, Region = region, InsuType = InsuType.Resident, Year = year, PaidDate = person.PaidDate, Hardship = starts },
            onDate);
        if (r.Missing is not null) throw new InvalidOperationException($"{psnNo} {year}: {r.Missing}; nothing posted");
        int postingNo = last.PostingNo + 1;
        if (r.Amount <= 0)
        {
            await tx.CommitAsync(ct);
            return new SubsidyCorrectionResult(psnNo, year, last.Admdvs, postingNo, false, 0, 0, 0, null, null, string.Create(CultureInfo.InvariantCulture,
                $"premium subsidy {psnNo} {year}: no subsidised identity held on {onDate:yyyy-MM-dd} in the registry as it is now; nothing posted (posting {last.PostingNo} stays reversed)"));
        }
        long premium = policy.Find(r.PremiumParamId)?.Value ?? throw new InvalidOperationException($"premium parameter {r.PremiumParamId} vanished");
        var postedAt = time.GetUtcNow();
        string batchId = SubsidyLedger.BatchId(last.Admdvs, year);
        string period = await FilingPeriodAsync(conn, tx, last.Admdvs, year, intoPeriod, ct);
        long runId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO subsidy_run (admdvs, year, batch_id, requested_by, posted_at, considered, posted, total, period)
            VALUES (@admdvs, @year, @batchId, @requestedBy, @postedAt, 1, 1, @total, @period) RETURNING run_id
            """, new { admdvs = last.Admdvs, year, batchId, requestedBy, postedAt, total = r.Amount, period }, tx, cancellationToken: ct));
        await SubsidyPoster.WriteAsync(conn, tx, [new SubsidyPoster.Posting(psnNo, onDate, r, premium, postingNo)], last.Admdvs, year,
            runId, batchId, postedAt, ct);
        long entryId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT entry_id FROM premium_subsidy WHERE psn_no = @psnNo AND year = @year AND posting_no = @postingNo",
            new { psnNo, year, postingNo }, tx, cancellationToken: ct));
        await Infrastructure.PostingSeal.SealAsync(conn, tx, Infrastructure.PostingSeal.SubsidyRun, runId, last.Admdvs, year, postedAt, ct);
        await tx.CommitAsync(ct);
        return new SubsidyCorrectionResult(psnNo, year, last.Admdvs, postingNo, true, r.Amount, r.CityAmount, r.CountyAmount, entryId, runId,
            string.Create(CultureInfo.InvariantCulture,
                $"premium subsidy {psnNo} {year} reposted as posting {postingNo}: {r.Category}, {FenMath.FormatYuan(r.Amount)} (city {FenMath.FormatYuan(r.CityAmount)}, county {FenMath.FormatYuan(r.CountyAmount)}), entry {entryId}, run {runId}, filed in period {period}"),
            period);
    }

    /// <summary>The period a subsidy of year <paramref name="year"/> is filed in (060: Y-01).</summary>
    public static string OwnPeriod(int year) => string.Create(CultureInfo.InvariantCulture, $"{year:D4}-01");

    /// <summary>
    /// Where a correction of a year-<paramref name="year"/> subsidy is filed (FINANCE.md §3: corrections post in the open
    /// period, linked to the original; never into a closed one): <paramref name="intoPeriod"/> when given (not before
    /// Y-01; the database refuses it if closed); else Y-01 while it is not closed; else the region's earliest open
    /// period after Y-01; else the month after its latest closed period (periods close in order). Never the clock.
    /// </summary>
    public static async Task<string> FilingPeriodAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, int year, string? intoPeriod,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        string own = OwnPeriod(year);
        if (intoPeriod is not null)
        {
            if (intoPeriod.Length != 7 || !DateOnly.TryParseExact(intoPeriod + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                throw new InvalidOperationException($"period '{intoPeriod}' is not YYYY-MM");
            if (string.CompareOrdinal(intoPeriod, own) < 0)
                throw new InvalidOperationException($"a correction of a {year} subsidy is filed in {own} or later, not {intoPeriod}");
            return intoPeriod;
        }
        var status = await conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT status FROM accounting_period WHERE admdvs = @admdvs AND period = @own", new { admdvs, own }, tx, cancellationToken: ct));
        if (status != "closed") return own;
        var open = await conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT min(period) FROM accounting_period WHERE admdvs = @admdvs AND status = 'open' AND period > @own",
            new { admdvs, own }, tx, cancellationToken: ct));
        if (open is not null) return open;
        var lastClosed = await conn.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT max(period) FROM accounting_period WHERE admdvs = @admdvs AND status = 'closed'", new { admdvs }, tx, cancellationToken: ct));
        var d = DateOnly.ParseExact(lastClosed + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture).AddMonths(1);
        return d.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    private static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, int year, CancellationToken ct)
    {
        if (!Codes.TryRegion(admdvs, out var region)) throw new InvalidOperationException($"unreadable admdvs '{admdvs}'");
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@c, @k)",
            new { c = SubsidyPoster.LockClass, k = (int)region * 10_000 + year }, tx, cancellationToken: ct));
    }

    private static Task<LastPosting?> LastPostingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string psnNo, int year, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<LastPosting?>(new CommandDefinition(
            """
            SELECT s.posting_no AS PostingNo, s.admdvs AS Admdvs, s.category AS Category, s.amount AS Amount, s.city_amount AS City,
                   s.county_amount AS County, s.entry_id AS EntryId, v.entry_id AS ReversalEntry
            FROM premium_subsidy s LEFT JOIN premium_subsidy_reversal v ON v.original_entry_id = s.entry_id
            WHERE s.psn_no = @psnNo AND s.year = @year ORDER BY s.posting_no DESC LIMIT 1
            """, new { psnNo, year }, tx, cancellationToken: ct));

    private sealed record LastPosting(int PostingNo, string Admdvs, string Category, long Amount, long City, long County, long EntryId,
        long? ReversalEntry);
}
