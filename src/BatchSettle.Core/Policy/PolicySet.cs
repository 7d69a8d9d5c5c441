namespace BatchSettle.Core.Policy;

/// <summary>
/// All policy parameters, indexed for settlement. Built once per run from the policy_param rows; immutable and
/// shared by every partition.
/// </summary>
public sealed partial class PolicySet
{
    private readonly PolicyParam[] _all;
    private readonly Dictionary<int, PolicyParam> _byId;

    public PolicySet(IEnumerable<PolicyParam> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _all = [.. parameters];
        _byId = new Dictionary<int, PolicyParam>(_all.Length);
        foreach (var p in _all) _byId.Add(p.Id, p);
    }

    public IReadOnlyList<PolicyParam> All => _all;

    public PolicyParam? Find(int id) => _byId.GetValueOrDefault(id);
}
