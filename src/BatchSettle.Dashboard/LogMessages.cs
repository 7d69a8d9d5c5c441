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

    [LoggerMessage(6006, LogLevel.Warning, "Run {RunId} of batch {BatchId} interrupted: {Reason}")]
    public static partial void RunInterrupted(this ILogger logger, long runId, string batchId, string reason);

    [LoggerMessage(6007, LogLevel.Warning, "Lease check failed: {Message}")]
    public static partial void LeaseCheckFailed(this ILogger logger, string message);

    [LoggerMessage(6008, LogLevel.Warning, "Database unreachable: {Method} {Path}: {Message}")]
    public static partial void DatabaseUnreachable(this ILogger logger, string method, string path, string message);

    [LoggerMessage(6009, LogLevel.Warning, "Dashboard user {Name}: its PasswordHash has {Iterations} PBKDF2 iterations, fewer than 600,000; it is upgraded on the user's next login (kept in dashboard_credential): replace it in configuration with a new `batchsettle dashboard --hash-password`")]
    public static partial void WeakHash(this ILogger logger, string name, int iterations);
}
