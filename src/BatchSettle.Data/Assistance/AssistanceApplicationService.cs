using System.Globalization;
using System.Text;
using BatchSettle.Core.Assistance;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Migrations;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Assistance;

/// <summary>The recorded decision of one application.</summary>
public sealed record ApplicationDecision(
    long ApplicationId,
    string PsnNo,
    string Admdvs,
    DateOnly ApplicationDate,
    bool Granted,
    string? Reason,
    long Basic,
    long Tilted,
    DateOnly? WindowFrom,
    DateOnly? WindowTo,
    long? EntryId,
    string Trace)
{
    public long Total => Basic + Tilted;

    /// <summary>Human-readable decision with the step-by-step explanation.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        sb.Append(ic, $"application {ApplicationId}: {PsnNo} ({Admdvs}) on {ApplicationDate:yyyy-MM-dd}: {(Granted ? "GRANTED" : "REFUSED")}\n");
        if (WindowFrom is { } f && WindowTo is { } t) sb.Append(ic, $"  window {f:yyyy-MM-dd} .. {t:yyyy-MM-dd}\n");
        if (Granted)
        {
            sb.Append(ic, $"  basic {FenMath.FormatYuan(Basic)} + tilted {FenMath.FormatYuan(Tilted)} = {FenMath.FormatYuan(Total)} (ledger entry {EntryId})\n");
        }
        else
        {
            sb.Append(ic, $"  reason: {Reason}\n");
        }
        sb.Append("  explanation:\n").Append(Trace);
        return sb.ToString();
    }
}

/// <summary>
/// YK-MA-09 application batch: reads the applicant (staging_person) and the settled results of the look-back window
/// (settlement_result joined to staging_claim for enddate, setting and in_province), lets Core decide
/// (<see cref="IllnessApplication"/>), records the decision in assistance_application and, when granted, posts the
/// balanced ledger entry (<see cref="AssistanceLedger"/>) in the same transaction, under an advisory lock on the person.
/// Once per identity period: a granted application already on the books refuses the next one, and the partial unique
/// index assistance_application_once is the last guard.
/// </summary>
public sealed class AssistanceApplicationService(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>pg_advisory_xact_lock first key: "MA09" as ASCII.</summary>
    private const int LockClass = 0x4D413039;

    public async Task<ApplicationDecision> ApplyAsync(string psnNo, DateOnly applicationDate, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(psnNo);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@c, hashtext(@psnNo))",
            new { c = LockClass, psnNo }, tx, cancellationToken: ct));
        await RefuseDuringRunAsync(conn, tx, psnNo, ct);
        var policy = new PolicySet(await PolicyRows.ReadAllAsync(conn, ct));

        // (v2) A person may have a 390 and a 310 row in one year (EL-01): the row that holds category I decides (the
        // identity is the person's; a row without it only says less), else the employee row, deterministically.
        var person = await conn.QuerySingleOrDefaultAsync<PersonRow>(new CommandDefinition(
            """
            SELECT admdvs AS Admdvs, insutype AS Insutype, hardship AS Hardship, year AS Year FROM staging_person
            WHERE psn_no = @psnNo AND year <= @year
            ORDER BY year DESC, (hardship LIKE '%I:%') DESC, insutype DESC LIMIT 1
            """, new { psnNo, year = applicationDate.Year }, tx, cancellationToken: ct));
        if (person is null)
        {
            throw new InvalidOperationException($"no registry row for {psnNo} in {applicationDate.Year} or before");
        }
        if (!Codes.TryRegion(person.Admdvs, out var region) || !Codes.TryInsuType(person.Insutype, out var insuType))
        {
            throw new InvalidOperationException($"{psnNo}: unreadable admdvs/insutype '{person.Admdvs}'/'{person.Insutype}'");
        }
        if (!Codes.TryHardship(person.Hardship, out var starts, out string? error))
        {
            throw new InvalidOperationException($"{psnNo}: hardship: {error}");
        }
        DateOnly? identityStart = starts[(int)HardshipCategory.I] is int day and not 0 ? DateOnly.FromDayNumber(day) : null;

        IllnessApplicationResult result;
        var earlier = identityStart is null ? null : await conn.QuerySingleOrDefaultAsync<(long Id, DateOnly Date)?>(new CommandDefinition(
            """
            SELECT application_id, application_date FROM assistance_application
            WHERE psn_no = @psnNo AND identity_start = @identityStart AND status = 'granted'
            """, new { psnNo, identityStart }, tx, cancellationToken: ct));
        if (earlier is { } e)
        {
            result = IllnessApplication.AlreadyGranted(e.Id, e.Date);
        }
        else
        {
            var window = IllnessApplication.Window(policy, region, insuType, applicationDate);
            var claims = new List<WindowClaim>();
            var paid = new Dictionary<int, (long Basic, long Tilted)>();
            if (window is { } w)
            {
                claims.AddRange(await WindowClaimsAsync(conn, tx, psnNo, w.From, w.To, ct));
                // Everything paid in the year counts against its caps (YK-MA-03): the claims' assistance and what earlier
                // grants (of another identity period) added to the year.
                foreach (var y in await conn.QueryAsync<(int Year, long Basic, long Tilted)>(new CommandDefinition(
                    $"""
                    SELECT y, sum(b)::bigint, sum(t)::bigint FROM (
                        SELECT extract(year FROM c.enddate)::int AS y, r.maf_pay - r.maf_tilted_pay AS b, r.maf_tilted_pay AS t
                        FROM settlement_result r JOIN staging_claim c ON c.claim_seq = r.claim_seq
                        WHERE r.psn_no = @psnNo AND r.status = 'settled'
                          AND c.enddate >= make_date(@y0, 1, 1) AND c.enddate <= make_date(@y1, 12, 31)
                        UNION ALL
                        SELECT g.year, g.basic, g.tilted FROM assistance_application_year g
                        WHERE g.psn_no = @psnNo AND g.year BETWEEN @y0 AND @y1) p
                    GROUP BY y
                    """, new { psnNo, y0 = w.From.Year, y1 = w.To.Year }, tx, cancellationToken: ct)))
                {
                    paid[y.Year] = (y.Basic, y.Tilted);
                }
            }
            result = IllnessApplication.Decide(policy, region, insuType, identityStart, applicationDate, claims, paid);
        }

        string trace = result.Render(policy);
        var decidedAt = time.GetUtcNow();
        long? entryId = result.Granted
            ? await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT nextval('ledger_entry_seq')", transaction: tx, cancellationToken: ct))
            : null;
        long id = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO assistance_application (psn_no, admdvs, application_date, identity_start, status, reason, basic, tilted,
                total, window_from, window_to, assumed_params, trace, entry_id, decided_at)
            VALUES (@psnNo, @admdvs, @applicationDate, @identityStart, @status, @reason, @basic, @tilted, @total,
                @windowFrom, @windowTo, @assumed, @trace, @entryId, @decidedAt)
            RETURNING application_id
            """,
            new
            {
                psnNo, admdvs = person.Admdvs, applicationDate, identityStart, status = result.Granted ? "granted" : "refused",
                reason = result.Reason, basic = result.Basic, tilted = result.Tilted, total = result.Total,
                windowFrom = result.WindowFrom == default ? (DateOnly?)null : result.WindowFrom,
                windowTo = result.WindowTo == default ? (DateOnly?)null : result.WindowTo,
                assumed = result.Assumed, trace, entryId, decidedAt,
            }, tx, cancellationToken: ct));
        if (entryId is { } entry)
        {
            await AssistanceLedger.PostAsync(conn, tx, entry, id, person.Admdvs, result.Basic, result.Tilted, decidedAt, ct);
            await FeedRunningTotalsAsync(conn, tx, id, psnNo, result, ct);
        }
        await Infrastructure.PostingSeal.SealAsync(conn, tx, Infrastructure.PostingSeal.AssistanceApplication, id, person.Admdvs,
            applicationDate.Year, decidedAt, ct);
        await tx.CommitAsync(ct);
        return new ApplicationDecision(id, psnNo, person.Admdvs, applicationDate, result.Granted, result.Reason, result.Basic,
            result.Tilted, result.WindowFrom == default ? null : result.WindowFrom, result.WindowTo == default ? null : result.WindowTo,
            entryId, trace);
    }

    /// <summary>
    /// A grant moves the accumulators of the claims settled after it; a run that is settling the person's claims read
    /// them before and would write its own values over the grant's. So an application waits for any run that is
    /// starting (the runner's UPDATE / INSERT of its run row conflicts with this lock until the application commits)
    /// and refuses, naming the batch, while a run with claims of the person is 'running' (a crashed run counts until
    /// it is resumed to its end or cancelled).
    /// </summary>
    private static async Task RefuseDuringRunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string psnNo, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("LOCK TABLE run IN SHARE ROW EXCLUSIVE MODE", transaction: tx, cancellationToken: ct));
        string? busy = await conn.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            """
            SELECT r.batch_id FROM run r
            WHERE r.status = 'running'
              AND EXISTS (SELECT 1 FROM staging_claim c WHERE c.batch_id = r.batch_id AND c.psn_no COLLATE "C" = @psnNo)
            ORDER BY r.run_id LIMIT 1
            """, new { psnNo }, tx, cancellationToken: ct));
        if (busy is not null)
        {
            throw new InvalidOperationException(
                $"batch {busy} has claims of {psnNo} and its run is in progress (status running): apply after the run has ended, " +
                "so that a grant reaches the running totals of the claims settled after it; nothing was decided or posted");
        }
    }

    /// <summary>
    /// YK-MA-09 → YK-MA-03 (docs/INTERPRETATIONS.md §8): each calendar year's share of the grant is added to that
    /// person-year's assist_basic_paid / assist_tilt_paid accumulator slots (what is paid in the year counts against
    /// the year's caps, whatever category), in the grant's transaction, and recorded in assistance_application_year.
    /// The assistance bases are not moved: the window's burden was assisted under category I's own deductible, and the
    /// per-claim bases only count burden settled under a per-claim category (YK-MA-10).
    /// </summary>
    private static async Task FeedRunningTotalsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long applicationId, string psnNo,
        IllnessApplicationResult result, CancellationToken ct)
    {
        foreach (var (year, (basic, tilted)) in result.ByYear)
        {
            if (basic == 0 && tilted == 0) continue;
            await conn.ExecuteAsync(new CommandDefinition(
                "INSERT INTO assistance_application_year (application_id, psn_no, year, basic, tilted) VALUES (@applicationId, @psnNo, @year, @basic, @tilted)",
                new { applicationId, psnNo, year, basic, tilted }, tx, cancellationToken: ct));
            // (v2) One row per (psn_no, year, insutype); assistance totals are person-level (AccSlot.PersonLevel), the same
            // in each of the person-year's rows, so the grant moves every row of the year.
            var stored = (await conn.QueryAsync<(string Insutype, long[] Acc)>(new CommandDefinition(
                "SELECT insutype, acc FROM accumulator WHERE psn_no = @psnNo AND year = @year ORDER BY insutype FOR UPDATE",
                new { psnNo, year }, tx, cancellationToken: ct))).ToList();
            if (stored.Count == 0)
            {
                // No claim settled yet in the year: the row of the insutype the registry holds for the person (a later
                // claim of the other insutype takes its person-level slots from it).
                string insutype = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
                    """
                    SELECT insutype FROM staging_person WHERE psn_no = @psnNo AND year <= @year
                    ORDER BY year DESC, insutype DESC LIMIT 1
                    """, new { psnNo, year }, tx, cancellationToken: ct)) ?? "390";
                stored.Add((insutype, []));
            }
            foreach (var (insutype, have) in stored)
            {
                // Stored arrays may be shorter than the slot count (trailing zero slots are not written; a missing slot is 0).
                var acc = new long[Math.Max(have.Length, AccSlot.AssistTiltPaid + 1)];
                have.CopyTo(acc, 0);
                acc[AccSlot.AssistBasicPaid] = checked(acc[AccSlot.AssistBasicPaid] + basic);
                acc[AccSlot.AssistTiltPaid] = checked(acc[AccSlot.AssistTiltPaid] + tilted);
                await conn.ExecuteAsync(new CommandDefinition(
                    have.Length == 0 && stored.Count == 1
                        ? """
                          INSERT INTO accumulator (psn_no, year, insutype, acc, run_id) VALUES (@psnNo, @year, @insutype, @acc, @applicationId)
                          ON CONFLICT (psn_no, year, insutype) DO UPDATE SET acc = excluded.acc
                          """
                        : "UPDATE accumulator SET acc = @acc WHERE psn_no = @psnNo AND year = @year AND insutype = @insutype",
                    new { psnNo, year, insutype, acc, applicationId }, tx, cancellationToken: ct));
            }
        }
    }

    /// <summary>
    /// Settled, non-reversed claims of the person settled in [from, to] (a reversed claim and its reversal net to
    /// nothing, so both are left out). Assistance base as the engine computes it (YK-MA-03a):
    /// inscp_scp_amt − hifp_pay − hifmi_pay − hifob_pay; settlement_result does not store it.
    /// </summary>
    private static async Task<IEnumerable<WindowClaim>> WindowClaimsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string psnNo,
        DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = await conn.QueryAsync<ClaimRow>(new CommandDefinition(
            """
            SELECT r.setl_id AS SetlId, c.enddate AS EndDate, r.med_type AS MedType, c.setting AS Setting, c.in_province AS InProvince,
                   (r.inscp_scp_amt - r.hifp_pay - r.hifmi_pay - r.hifob_pay) AS AssistBase,
                   (r.maf_pay - r.maf_tilted_pay) AS BasicPaid, r.maf_tilted_pay AS TiltPaid
            FROM settlement_result r JOIN staging_claim c ON c.claim_seq = r.claim_seq
            WHERE r.psn_no = @psnNo AND r.status = 'settled' AND r.reversal_of IS NULL
              AND c.enddate BETWEEN @from AND @to
              AND NOT EXISTS (SELECT 1 FROM settlement_result v WHERE v.reversal_of = r.setl_id AND v.status = 'settled')
            ORDER BY c.enddate, r.setl_id
            """, new { psnNo, from, to }, tx, cancellationToken: ct));
        var list = new List<WindowClaim>();
        foreach (var r in rows)
        {
            if (!Codes.TryMedType(r.MedType, out var med) || !Codes.TrySetting(r.Setting, out var setting))
            {
                throw new InvalidOperationException($"settled claim {r.SetlId} has unreadable med_type/setting '{r.MedType}'/'{r.Setting}'");
            }
            list.Add(new WindowClaim(r.SetlId, r.EndDate, med, setting, r.InProvince, r.AssistBase ?? 0, r.BasicPaid, r.TiltPaid));
        }
        return list;
    }

    private sealed record PersonRow(string Admdvs, string Insutype, string? Hardship, int Year);

    private sealed record ClaimRow(string SetlId, DateOnly EndDate, string MedType, string Setting, bool InProvince, long? AssistBase,
        long BasicPaid, long TiltPaid);
}
