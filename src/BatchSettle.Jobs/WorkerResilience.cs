using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace BatchSettle.Jobs;

/// <summary>The one retry pipeline the jobs share (see <see cref="TransientFaults"/>).</summary>
public sealed class WorkerResilience(IOptions<WorkerOptions> options, TimeProvider timeProvider, ILogger<WorkerResilience> logger)
{
    public ResiliencePipeline Pipeline { get; } = TransientFaults.CreatePipeline(options.Value, timeProvider, logger);
}
