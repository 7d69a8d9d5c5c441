namespace BatchSettle.Data.Runs;

/// <summary>
/// Advisory lock keys per batch. <see cref="StagingSql"/> (transaction-scoped) orders claim loads against the creation
/// or resumption of the batch's run: the loader, the staging_claim seal trigger (migration 050) and
/// <see cref="BatchRunner.PrepareRunAsync"/> take it. <see cref="RunnerSql"/> (session-scoped, try) is held by
/// <see cref="BatchRunner.RunBatchAsync"/> for a whole run, so a second process asked to run the same batch is told
/// so instead of resuming the run under the first one's feet.
/// </summary>
public static class BatchLock
{
    /// <summary>Class key of the staging lock (also in sql/050_follow_up_runs.sql).</summary>
    public const int StagingKey = 1112691457;

    /// <summary>Class key of the runner's session lock.</summary>
    public const int RunnerKey = 1112691458;

    public const string StagingSql = "SELECT pg_advisory_xact_lock(1112691457, hashtext(@batchId))";

    public const string RunnerSql = "SELECT pg_try_advisory_lock(1112691458, hashtext(@batchId))";

    public const string RunnerUnlockSql = "SELECT pg_advisory_unlock(1112691458, hashtext(@batchId))";
}
