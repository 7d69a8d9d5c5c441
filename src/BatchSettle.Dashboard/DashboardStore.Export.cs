using System.Globalization;
using System.Text;
using BatchSettle.Data.Export;

namespace BatchSettle.Dashboard;

internal sealed partial class DashboardStore
{
    /// <summary>Header of the quarantine download.</summary>
    internal const string QuarantineCsvHeader = "quarantine_id,setl_id,batch_id,source_file,source_line,field,reason";

    /// <summary>
    /// Writes a run's quarantined claims (all of them, or those of one <paramref name="reason"/>) as CSV in the order
    /// they were set aside: UTF-8 with a byte-order mark (so a spreadsheet opens the Chinese reasons correctly), text
    /// cells escaped against formula injection as the exports are (<see cref="BatchExporter.AppendTextCell"/>).
    /// Streams from the database; a large quarantine is never held in memory.
    /// </summary>
    public async Task WriteQuarantineCsvAsync(long runId, string? reason, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true);
        await writer.WriteAsync(QuarantineCsvHeader + "\n");
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT quarantine_id, setl_id, batch_id, source_file, source_line, field, reason
            FROM quarantine WHERE run_id = @runId AND (@reason::text IS NULL OR reason = @reason)
            ORDER BY quarantine_id
            """;
        cmd.Parameters.AddWithValue("runId", runId);
        cmd.Parameters.AddWithValue("reason", NpgsqlTypes.NpgsqlDbType.Text, (object?)reason ?? DBNull.Value);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var sb = new StringBuilder();
        while (await reader.ReadAsync(cancellationToken))
        {
            sb.Clear();
            sb.Append(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture));
            BatchExporter.AppendTextCell(sb, reader.IsDBNull(1) ? null : reader.GetString(1), first: false);
            BatchExporter.AppendTextCell(sb, reader.GetString(2), first: false);
            BatchExporter.AppendTextCell(sb, reader.IsDBNull(3) ? null : reader.GetString(3), first: false);
            sb.Append(',');
            if (!reader.IsDBNull(4))
            {
                sb.Append(reader.GetInt32(4).ToString(CultureInfo.InvariantCulture));
            }

            BatchExporter.AppendTextCell(sb, reader.GetString(5), first: false);
            BatchExporter.AppendTextCell(sb, reader.GetString(6), first: false);
            sb.Append('\n');
            await writer.WriteAsync(sb, cancellationToken);
        }
    }
}
