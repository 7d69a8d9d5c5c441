using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Migrations;

/// <summary>policy_param rows to and from <see cref="PolicyParam"/>.</summary>
public static class PolicyRows
{
    public static Provenance ParseProvenance(string s) =>
        ProvenanceLabels.TryParse(s, out var p) ? p : throw new FormatException($"unknown provenance '{s}'");

    public static string ProvenanceCode(Provenance p) => p.Label();

    /// <summary>Every parameter in the database, for building the run's <see cref="PolicySet"/>.</summary>
    public static async Task<List<PolicyParam>> ReadAllAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT id, rule_id AS RuleId, key, qualifier, admdvs, insutype, value, unit,
                   effective_from AS EffectiveFrom, effective_to AS EffectiveTo, provenance, citation, note, supersedes
            FROM policy_param ORDER BY id
            """, cancellationToken: ct));
        var list = new List<PolicyParam>();
        foreach (var r in rows) list.Add(r.ToParam());
        return list;
    }

    internal sealed class Row
    {
        public int Id { get; set; }
        public string RuleId { get; set; } = "";
        public string Key { get; set; } = "";
        public string Qualifier { get; set; } = "";
        public string? Admdvs { get; set; }
        public string? Insutype { get; set; }
        public long Value { get; set; }
        public string Unit { get; set; } = "";
        public DateTime EffectiveFrom { get; set; }
        public DateTime? EffectiveTo { get; set; }
        public string Provenance { get; set; } = "";
        public string Citation { get; set; } = "";
        public string Note { get; set; } = "";
        public int? Supersedes { get; set; }

        public PolicyParam ToParam() => new(
            Id, RuleId, Key, Qualifier,
            Admdvs is null ? null : Codes.TryRegion(Admdvs, out var r) ? r : throw new FormatException($"policy_param {Id}: admdvs {Admdvs}"),
            Insutype is null ? null : Codes.TryInsuType(Insutype, out var t) ? t : throw new FormatException($"policy_param {Id}: insutype {Insutype}"),
            Value, Unit, DateOnly.FromDateTime(EffectiveFrom),
            EffectiveTo is null ? null : DateOnly.FromDateTime(EffectiveTo.Value),
            ParseProvenance(Provenance), Citation, Note)
        {
            Supersedes = Supersedes,
        };
    }
}
