namespace BatchSettle.Generator;

/// <summary>The deliberately bad claim rows (~0.1%) the generator sprinkles in, so that quarantine paths get exercised.</summary>
internal enum BadRowKind
{
    /// <summary>med_type not in the contract's list.</summary>
    UnknownMedType = 0,
    /// <summary>medfee_sumamt ≠ the sum of the four parts (off by a few fen).</summary>
    AmountIdentityBroken = 1,
    /// <summary>A negative part on a claim that is not a reversal (the identity still holds).</summary>
    NegativeAmount = 2,
    /// <summary>A money cell with three decimals.</summary>
    ThreeDecimals = 3,
    /// <summary>A date cell that does not parse as YYYY-MM-DD.</summary>
    UnparseableDate = 4,
    /// <summary>psn_no with no row in persons.csv.</summary>
    UnknownPerson = 5,
}
