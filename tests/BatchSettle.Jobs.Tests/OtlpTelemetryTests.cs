using System.Collections.Concurrent;
using System.Text;
using BatchSettle.Data.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace BatchSettle.Jobs.Tests;

/// <summary>
/// A real OTLP/HTTP receiver (a small Kestrel endpoint in the test) and a real <c>batchsettle worker</c> process settling
/// a batch with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> pointing at it: traces, metrics and logs arrive, and the spans chain
/// job → run → partition → chunk, the partition job's span a child of the batch-run job that queued it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OtlpTelemetryTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Worker_WithOtlpEndpoint_ExportsTracesMetricsAndLogs_JobRunPartitionChunkChain()
    {
        var received = new ConcurrentBag<(string Path, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Add((context.Request.Path.Value!, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
        });
        await receiver.StartAsync();
        var endpoint = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var probe = new RunProbe(cs);
        var w = WorkerProcess.Start(cs, fixture.LogDir, "otlp", extraArgs:
        [
            "--OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint,
            "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--OTEL_BSP_SCHEDULE_DELAY=500",
            "--OTEL_METRIC_EXPORT_INTERVAL=1000",
        ]);
        try
        {
            var trigger = await WorkerProcess.TriggerAsync(cs, ClusterFixture.Batch);
            Assert.True(trigger.ExitCode == 0, trigger.Output);
            Assert.True(await probe.WaitForRunEndAsync(ClusterFixture.Batch, TimeSpan.FromSeconds(90)), w.Tail());
            // A graceful stop flushes whatever is still batched.
            Assert.Equal(0, await w.StopAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            w.Dispose();
        }

        var paths = received.Select(r => r.Path).ToHashSet();
        output.WriteLine($"received {received.Count} exports: {string.Join(", ", paths)}");
        Assert.Contains("/v1/traces", paths);
        Assert.Contains("/v1/metrics", paths);
        Assert.Contains("/v1/logs", paths);
        var metricNames = string.Join("\n", received.Where(r => r.Path == "/v1/metrics").Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Contains(BatchSettleTelemetry.ClaimsSettledName, metricNames, StringComparison.Ordinal);
        // Runtime metrics (on .NET 9+ the runtime's own System.Runtime meter: dotnet.gc.*, dotnet.thread_pool.*).
        Assert.Contains("dotnet.gc", metricNames, StringComparison.Ordinal);

        var spans = received.Where(r => r.Path == "/v1/traces").SelectMany(r => OtlpSpans.Read(r.Body)).ToList();
        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        Span? Parent(Span s) => s.ParentSpanId.Length > 0 && byId.TryGetValue(s.ParentSpanId, out var p) ? p : null;

        var chunk = spans.FirstOrDefault(s => s.Name == BatchSettleTelemetry.ChunkSpan);
        Assert.NotNull(chunk);
        var partition = Parent(chunk);
        Assert.Equal(BatchSettleTelemetry.PartitionSpan, partition?.Name);
        var run = Parent(partition!);
        Assert.Equal(BatchSettleTelemetry.RunSpan, run?.Name);
        var partitionJob = Parent(run!);
        Assert.Equal($"{JobTelemetryFilter.JobSpan} {nameof(PartitionJob)}", partitionJob?.Name);
        // The context travelled from the enqueue: the partition job's parent is the batch-run job that queued it.
        var batchRunJob = Parent(partitionJob!);
        Assert.Equal($"{JobTelemetryFilter.JobSpan} {nameof(BatchRunJob)}", batchRunJob?.Name);
        Assert.All(new[] { partition!, run!, partitionJob!, batchRunJob! }, s => Assert.Equal(chunk.TraceId, s.TraceId));
        // Hangfire's polling (its own data source) is not traced: no span of a command on Hangfire's tables.
        Assert.DoesNotContain(spans, s => s.Name.Contains("hangfire", StringComparison.OrdinalIgnoreCase) && !s.Name.StartsWith(JobTelemetryFilter.JobSpan, StringComparison.Ordinal));
    }

    private sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name);

    /// <summary>Just enough of the protobuf wire format to read spans out of an ExportTraceServiceRequest.</summary>
    private static class OtlpSpans
    {
        public static IEnumerable<Span> Read(byte[] request)
        {
            foreach (var resourceSpans in Fields(request, 1))
            {
                foreach (var scopeSpans in Fields(resourceSpans, 2))
                {
                    foreach (var span in Fields(scopeSpans, 2))
                    {
                        string traceId = "", spanId = "", parentId = "", name = "";
                        foreach (var (field, value) in All(span))
                        {
                            switch (field)
                            {
                                case 1: traceId = Convert.ToHexString(value); break;
                                case 2: spanId = Convert.ToHexString(value); break;
                                case 4: parentId = Convert.ToHexString(value); break;
                                case 5: name = Encoding.UTF8.GetString(value); break;
                            }
                        }

                        yield return new Span(traceId, spanId, parentId, name);
                    }
                }
            }
        }

        private static IEnumerable<byte[]> Fields(byte[] message, int number) =>
            All(message).Where(f => f.Field == number).Select(f => f.Value);

        private static List<(int Field, byte[] Value)> All(byte[] message)
        {
            var fields = new List<(int, byte[])>();
            var i = 0;
            while (i < message.Length)
            {
                var key = Varint(message, ref i);
                var field = (int)(key >> 3);
                switch ((int)(key & 7))
                {
                    case 0: Varint(message, ref i); break;
                    case 1: i += 8; break;
                    case 5: i += 4; break;
                    case 2:
                        var length = (int)Varint(message, ref i);
                        fields.Add((field, message[i..(i + length)]));
                        i += length;
                        break;
                    default: throw new InvalidDataException($"wire type {key & 7}");
                }
            }

            return fields;
        }

        private static ulong Varint(byte[] b, ref int i)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var x = b[i++];
                value |= (ulong)(x & 0x7F) << shift;
                if (x < 0x80)
                {
                    return value;
                }
            }
        }
    }
}
