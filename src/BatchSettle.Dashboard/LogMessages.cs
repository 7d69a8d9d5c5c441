using Microsoft.Extensions.Logging;

namespace BatchSettle.Dashboard;

/// <summary>The dashboard's log lines, event ids 6000-6099.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(6000, LogLevel.Warning, "Dashboard started with --insecure-no-auth (Dashboard:InsecureNoAuth) on loopback: anyone who reaches it may look, nobody may act")]
    public static partial void NoUsers(this ILogger logger);

    [LoggerMessage(6001, LogLevel.Warning, "Progress sample not recorded: {Message}")]
    public static partial void SampleFailed(this ILogger logger, string message);

    [LoggerMessage(6002, LogLevel.Information, "Dashboard: {Address}")]
    public static partial void Listening(this ILogger logger, string address);

    [LoggerMessage(6003, LogLevel.Warning, "Could not write a refused request to the audit trail")]
    public static partial void AuditFailed(this ILogger logger, Exception exception);
}
