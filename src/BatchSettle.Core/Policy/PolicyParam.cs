using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;

namespace BatchSettle.Core.Policy;

/// <summary>
/// One effective-dated policy parameter (a row of sql/policy/params.csv, table policy_param).
/// <para><see cref="Key"/> names the quantity (e.g. "ip.dedc"); <see cref="Qualifier"/> narrows it (e.g. "tertiary",
/// "" when none). Region/InsuType null = applies to all. The version in force for a claim is the one whose
/// [EffectiveFrom, EffectiveTo] contains the claim's settlement date (enddate).</para>
/// </summary>
/// <param name="Id">Stable id, cited by trace steps.</param>
/// <param name="RuleId">POLICY.md rule id (e.g. "BX-IP-01").</param>
/// <param name="Value">Integer value in <paramref name="Unit"/>: fen, bp, months, days, count, flag.</param>
public sealed record PolicyParam(
    int Id,
    string RuleId,
    string Key,
    string Qualifier,
    Region? Region,
    InsuType? InsuType,
    long Value,
    string Unit,
    DateOnly EffectiveFrom,
    DateOnly? EffectiveTo,
    Provenance Provenance,
    string Citation,
    string Note)
{
    /// <summary>POLICY.md rule id (e.g. "BX-IP-01").</summary>
    public string RuleId
    {
        get;
        init
        {
            field = value;
            RuleRef = RuleNames.Intern(value);
        }
    } = RuleId;

    /// <summary>
    /// <see cref="RuleId"/>'s number for trace steps (<see cref="RuleNames"/>): a function of the text, so equal rows
    /// stay equal; kept in step by <see cref="RuleId"/>'s init (a <c>with</c> that changes the rule id).
    /// </summary>
    internal int RuleRef { get; private init; } = RuleNames.Intern(RuleId);

    /// <summary>
    /// (v2) Id of an older row this one supersedes (a corrected provenance label or citation for the same number and
    /// range): the older row no longer resolves, but stays, so a settlement made under it explains with its own label.
    /// </summary>
    public int? Supersedes { get; init; }
}
