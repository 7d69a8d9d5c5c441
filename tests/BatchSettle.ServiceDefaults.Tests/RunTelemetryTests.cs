using System.Diagnostics;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Telemetry;
using BatchSettle.Testing;
using Dapper;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;

namespace BatchSettle.ServiceDefaults.Tests;

/// <summary>
/// A real small run with OpenTelemetry's in-memory exporters attached to the same sources and meters the OTLP setup
/// subscribes to: the spans and metrics must be there, named as documented, and add up to what the run table says.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class RunTelemetryTests(DashboardFixture fixture)
{
    [Fact]
    public async Task RunBatch_WithListeners_EmitsRunPartitionChunkSpansAndMetricsThatMatchTheRun()
    {
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 300, claims: 1_500, seed: 11);
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = TelemetrySetup.AddSources(Sdk.CreateTracerProviderBuilder()).AddInMemoryExporter(spans).Build();
        using var meters = TelemetrySetup.AddMeters(Sdk.CreateMeterProviderBuilder()).AddInMemoryExporter(metrics).Build();

        var summary = await new BatchRunner(db, TimeProvider.System).RunBatchAsync(
            DashboardFixture.Yingkou, new BatchRunOptions { Partitions = 3, Parallelism = 2, ChunkClaims = 100 });
        tracing!.ForceFlush();
        meters!.ForceFlush();
        // Rows the loader could not type are quarantined when the run is prepared, outside any chunk.
        await using var conn = await db.OpenConnectionAsync();
        var inChunks = await conn.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM staging_claim WHERE batch_id = @b", new { b = DashboardFixture.Yingkou });
        var quarantinedInChunks = await conn.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM settlement_result WHERE run_id = @r AND status = 'quarantined' AND reason NOT LIKE 'load:%'", new { r = summary.RunId });

        // Spans: one run, its three partitions under it, chunks under the partitions.
        var mine = spans.Where(s => Equals(s.GetTagItem(BatchSettleTelemetry.RunIdTag), summary.RunId)).ToList();
        var run = Assert.Single(mine, s => s.OperationName == BatchSettleTelemetry.RunSpan);
        Assert.Equal(DashboardFixture.Yingkou, run.GetTagItem(BatchSettleTelemetry.BatchIdTag));
        Assert.Equal(summary.Status, run.GetTagItem(BatchSettleTelemetry.StatusTag));
        var partitions = mine.Where(s => s.OperationName == BatchSettleTelemetry.PartitionSpan).ToList();
        Assert.Equal(3, partitions.Count);
        Assert.All(partitions, p => Assert.Equal(run.SpanId, p.ParentSpanId));
        var chunks = mine.Where(s => s.OperationName == BatchSettleTelemetry.ChunkSpan).ToList();
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Contains(partitions, p => p.SpanId == c.ParentSpanId));
        Assert.Equal(inChunks, chunks.Sum(c => Convert.ToInt64(c.GetTagItem(BatchSettleTelemetry.ClaimsTag), System.Globalization.CultureInfo.InvariantCulture)));

        // Metrics: counts and amounts equal the run's own counters.
        Assert.Equal(summary.Settled, Sum(metrics, BatchSettleTelemetry.ClaimsSettledName));
        Assert.Equal(summary.Rejected, Sum(metrics, BatchSettleTelemetry.ClaimsRejectedName));
        Assert.Equal(quarantinedInChunks, Sum(metrics, BatchSettleTelemetry.ClaimsQuarantinedName));
        Assert.Equal(summary.Settled, Sum(metrics, BatchSettleTelemetry.ClaimsSettledName, (BatchSettleTelemetry.RegionTag, "210800")));
        Assert.Equal(summary.Total390100, Sum(metrics, BatchSettleTelemetry.FundAmountName, (BatchSettleTelemetry.FundPayTypeTag, "390100")));
        Assert.Equal(summary.Total310100, Sum(metrics, BatchSettleTelemetry.FundAmountName, (BatchSettleTelemetry.FundPayTypeTag, "310100")));
        Assert.Equal(summary.Total610100, Sum(metrics, BatchSettleTelemetry.FundAmountName, (BatchSettleTelemetry.FundPayTypeTag, "610100")));
        Assert.Equal(chunks.Count, HistogramCount(metrics, BatchSettleTelemetry.ChunkLatencyName));
        Assert.Equal(1, HistogramCount(metrics, BatchSettleTelemetry.RunDurationName));
        Assert.True(Sum(metrics, BatchSettleTelemetry.RowsCopiedName, (BatchSettleTelemetry.TableTag, "ledger_line")) > 0);
        Assert.Equal(inChunks, Sum(metrics, BatchSettleTelemetry.RowsCopiedName, (BatchSettleTelemetry.TableTag, "settlement_result")));
        Assert.Equal("ms", metrics.First(m => m.Name == BatchSettleTelemetry.ChunkLatencyName).Unit);
        Assert.Equal("fen", metrics.First(m => m.Name == BatchSettleTelemetry.FundAmountName).Unit);
    }

    [Fact]
    public void Instruments_NoListener_AreDisabled()
    {
        // Off costs nothing: with no SDK built nothing listens, and the runner skips its per-chunk tallies.
        if (!BatchSettleTelemetry.ClaimsSettled.Enabled)
        {
            Assert.Null(BatchSettleTelemetry.StartRun(1, "b"));
        }
    }

    private static long Sum(List<Metric> metrics, string name, params (string Key, string Value)[] tags)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (Matches(point, tags))
                {
                    total += point.GetSumLong();
                }
            }
        }

        return total;
    }

    private static long HistogramCount(List<Metric> metrics, string name)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                total += point.GetHistogramCount();
            }
        }

        return total;
    }

    private static bool Matches(in MetricPoint point, (string Key, string Value)[] tags)
    {
        foreach (var (key, value) in tags)
        {
            var found = false;
            foreach (var tag in point.Tags)
            {
                if (tag.Key == key && Equals(tag.Value, value))
                {
                    found = true;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
