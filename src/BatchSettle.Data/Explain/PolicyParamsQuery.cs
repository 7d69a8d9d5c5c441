using Dapper;
using Npgsql;

namespace BatchSettle.Data.Explain;

/// <summary>A policy parameter in force, with where it comes from (sql/policy/params.csv, DESIGN.md "Policy data").</summary>
public sealed record PolicyParamInForce(
    int Id, string RuleId, string Key, string Qualifier, string? Admdvs, string? Insutype, long Value, string Unit,
    DateTime EffectiveFrom, DateTime? EffectiveTo, string Provenance, string Citation, string Note, int? Supersedes);

/// <summary>
/// <c>batchsettle params list</c>: the parameters in force on a date (effective_from ≤ date ≤ effective_to, both
/// inclusive as the engine reads them, PolicySet), optionally of one rule and one region (a region's list includes the
/// parameters that name no region), with provenance and citation.
/// </summary>
public sealed class PolicyParamsQuery(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<PolicyParamInForce>> InForceAsync(DateOnly at, string? ruleId, string? admdvs, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<PolicyParamInForce>(new CommandDefinition(
            """
            SELECT id AS Id, rule_id AS RuleId, key AS Key, qualifier AS Qualifier, admdvs AS Admdvs, insutype AS Insutype,
                   value AS Value, unit AS Unit, effective_from::timestamp AS EffectiveFrom, effective_to::timestamp AS EffectiveTo,
                   provenance AS Provenance, citation AS Citation, note AS Note, supersedes AS Supersedes
            FROM policy_param
            WHERE effective_from <= @at AND (effective_to IS NULL OR effective_to >= @at)
              AND (@ruleId::text IS NULL OR rule_id = @ruleId)
              AND (@admdvs::text IS NULL OR admdvs IS NULL OR admdvs = @admdvs)
            ORDER BY rule_id, key, qualifier, admdvs NULLS FIRST, insutype NULLS FIRST, id
            """, new { at = at.ToDateTime(TimeOnly.MinValue), ruleId, admdvs }, cancellationToken: ct))).AsList();
    }
}
