namespace PolicyStress.Cli.Conformance;

/// <summary>The first disagreement of a run: after which operation, and every fact the sides differ on.</summary>
internal sealed record Mismatch(int OpIndex, IReadOnlyList<(string What, string Kernel, string Engine)> Differences);

/// <summary>What one run did: operations applied, facts compared, and the first mismatch if any.</summary>
internal sealed record RunOutcome(int Ops, long Checks, Mismatch? Mismatch);
