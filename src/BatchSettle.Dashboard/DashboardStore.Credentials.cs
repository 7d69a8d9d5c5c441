using Dapper;

namespace BatchSettle.Dashboard;

internal sealed partial class DashboardStore
{
    /// <summary>Upgraded password hashes (migration 093) by user name, each with the configured hash it replaces.</summary>
    public async Task<IReadOnlyDictionary<string, (string ConfiguredHash, string PasswordHash)>> UpgradedHashesAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var rows = await conn.QueryAsync<(string Name, string ConfiguredHash, string PasswordHash)>(new CommandDefinition(
            "SELECT name, configured_hash, password_hash FROM dashboard_credential", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Name, r => (r.ConfiguredHash, r.PasswordHash), StringComparer.Ordinal);
    }

    /// <summary>Keeps <paramref name="passwordHash"/> as <paramref name="name"/>'s hash while configuration holds <paramref name="configuredHash"/>.</summary>
    public async Task SaveUpgradedHashAsync(string name, string configuredHash, string passwordHash, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_credential (name, configured_hash, password_hash, upgraded_at) VALUES (@name, @configuredHash, @passwordHash, @at)
            ON CONFLICT (name) DO UPDATE SET configured_hash = excluded.configured_hash, password_hash = excluded.password_hash,
                upgraded_at = excluded.upgraded_at
            """,
            new { name, configuredHash, passwordHash, at = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }
}
