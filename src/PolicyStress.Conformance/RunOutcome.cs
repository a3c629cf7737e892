namespace PolicyStress.Conformance;

/// <summary>What one run did: operations applied, facts compared, and the first mismatch if any.</summary>
internal sealed record RunOutcome(int Ops, long Checks, Mismatch? Mismatch);
