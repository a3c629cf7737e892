namespace PolicyStress.Conformance;

/// <summary>The first disagreement of a run: after which operation, and every fact the sides differ on.</summary>
internal sealed record Mismatch(int OpIndex, IReadOnlyList<(string What, string Kernel, string Engine)> Differences);
