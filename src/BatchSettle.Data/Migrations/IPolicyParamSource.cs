using BatchSettle.Core.Policy;

namespace BatchSettle.Data.Migrations;

/// <summary>Reads sql/policy/params.csv into parameters. Core's PolicyCsv parser is the real one once it exists.</summary>
public interface IPolicyParamSource
{
    IReadOnlyList<PolicyParam> Read(string path);
}
