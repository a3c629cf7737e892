using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;

namespace PolicyStress.Harness.Suites;

/// <summary>A finished point of a sweep.</summary>
public sealed record SweepPoint(RunConfig Config, RunOutcome Outcome, ResultRow Row);
