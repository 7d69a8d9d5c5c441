namespace BatchSettle.Core.Settlement;

/// <summary>
/// Rule ids the engine cites in trace steps and reasons. POLICY.md ids where it numbers the rule; ids for unnumbered
/// sections are defined in docs/INTERPRETATIONS.md.
/// </summary>
public static class Rules
{
    public const string El01 = "EL-01";
    public const string El02 = "EL-02";
    public const string El03 = "EL-03";
    public const string El04 = "EL-04";
    public const string El05 = "EL-05";
    public const string El06 = "EL-06";
    public const string El07 = "EL-07";
    public const string ExAbroad = "EX-01";
    public const string ExWorkInjury = "EX-02";
    public const string ExPublicHealth = "EX-03";
    public const string ExThirdParty = "EX-04";
    public const string ExMisconduct = "EX-05";
    public const string ExAddiction = "EX-06";
    public const string BxIp02 = "BX-IP-02";
    public const string BxIp03 = "BX-IP-03";
    public const string BxIp04 = "BX-IP-04";
    public const string BxRm01 = "BX-RM-01";
    public const string BxRm03 = "BX-RM-03";
    public const string YkIp07 = "YK-IP-07";
    public const string YkMa03a = "YK-MA-03a";
    public const string BxMt01 = "BX-MT-01";
    public const string BxMt03 = "BX-MT-03";
    public const string YkIp02 = "YK-IP-02";
    public const string YkIp03 = "YK-IP-03";
    public const string YkIp05 = "YK-IP-05";
    public const string NonDesignated = "ND-01";
    public const string Chronic = "CHR-01";
    public const string Outpatient = "OP-00";
    public const string Ci01 = "CI-01";
    public const string Ci06 = "CI-06";
    public const string La01 = "LA-01";
    public const string YkMa03 = "YK-MA-03";
    public const string YkMa05 = "YK-MA-05";
    public const string YkMa06 = "YK-MA-06";
    public const string YkMa07 = "YK-MA-07";
    public const string YkMa09 = "YK-MA-09";
    public const string Split = "SPLIT";
    public const string Reversal = "REVERSAL";
}
