using BatchSettle.Core.Policy;

namespace BatchSettle.Data.Migrations;

/// <summary>Reads sql/policy/params.csv with Core's strict <see cref="PolicyCsv"/> parser.</summary>
public sealed class CorePolicyCsvSource : IPolicyParamSource
{
    public IReadOnlyList<PolicyParam> Read(string path)
    {
        try
        {
            return PolicyCsv.Parse(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }
}
