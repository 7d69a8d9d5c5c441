using System.Globalization;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Data.Infrastructure;

namespace BatchSettle.Data.Migrations;

/// <summary>
/// Stand-in reader of sql/policy/params.csv (header: id,rule_id,key,qualifier,admdvs,insutype,value,unit,
/// effective_from,effective_to,provenance,citation,note) until Core's PolicyCsv parser is merged.
/// </summary>
public sealed class MinimalPolicyCsv : IPolicyParamSource
{
    private static readonly string[] s_columns =
        ["id", "rule_id", "key", "qualifier", "admdvs", "insutype", "value", "unit", "effective_from", "effective_to",
         "provenance", "citation", "note"];

    public IReadOnlyList<PolicyParam> Read(string path)
    {
        using var csv = CsvReader.Open(path);
        var row = new List<string>();
        if (!csv.Read(row)) return [];
        var idx = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < row.Count; i++) idx[row[i].Trim()] = i;
        foreach (var c in s_columns)
        {
            if (!idx.ContainsKey(c)) throw new FormatException($"{path}: missing column {c}");
        }
        var list = new List<PolicyParam>();
        while (csv.Read(row))
        {
            string F(string c) => idx[c] < row.Count ? row[idx[c]].Trim() : "";
            try
            {
                list.Add(new PolicyParam(
                    int.Parse(F("id"), CultureInfo.InvariantCulture),
                    F("rule_id"), F("key"), F("qualifier"),
                    F("admdvs").Length == 0 ? null : Codes.TryRegion(F("admdvs"), out var r) ? r : throw new FormatException($"admdvs {F("admdvs")}"),
                    F("insutype").Length == 0 ? null : Codes.TryInsuType(F("insutype"), out var t) ? t : throw new FormatException($"insutype {F("insutype")}"),
                    long.Parse(F("value"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                    F("unit"),
                    DateOnly.ParseExact(F("effective_from"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    F("effective_to").Length == 0 ? null : DateOnly.ParseExact(F("effective_to"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    PolicyRows.ParseProvenance(F("provenance")),
                    F("citation"), F("note")));
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new FormatException($"{path} line {csv.Line}: {e.Message}", e);
            }
        }
        return list;
    }
}
