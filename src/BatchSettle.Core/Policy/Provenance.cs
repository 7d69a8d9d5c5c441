namespace BatchSettle.Core.Policy;

/// <summary>Where a parameter's number comes from (POLICY.md preamble).</summary>
public enum Provenance : byte
{
    Stated = 1,
    Derived = 2,
    Interpreted = 3,
    Assumed = 4,
}
