namespace BatchSettle.Jobs;

/// <summary>What an operator action did: accepted (with the run it concerns) or refused, and why.</summary>
public sealed record ActionOutcome(bool Accepted, string Message, long? RunId = null);
