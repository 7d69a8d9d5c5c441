using BatchSettle.Data.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchSettle.ServiceDefaults;

/// <summary>What every host the product starts shares (eShop's <c>AddServiceDefaults()</c>): one call per host.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Single-line console logs with a millisecond timestamp; OpenTelemetry when <c>OTEL_*</c> asks for it (started
    /// before the hosted services registered after this call, so their first spans are caught); the system
    /// <see cref="TimeProvider"/>; and, given a connection string, the one <c>NpgsqlDataSource</c> of the process
    /// (named <paramref name="dataSourceName"/> in <c>pg_stat_activity</c>). Call it before the role's
    /// <c>AddBatchSettle…()</c>.
    /// </summary>
    public static TBuilder AddBatchSettleServiceDefaults<TBuilder>(this TBuilder builder, string? connectionString = null, string dataSourceName = "batchsettle")
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.AddBatchSettleTelemetry(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.TryAddSingleton(_ => BatchSettleDatabase.CreateDataSource(connectionString, dataSourceName));
        }

        return builder;
    }
}
