using System.Diagnostics;

namespace PolicyStress.Conformance;

/// <summary>
/// Delta debugging (ddmin) over a failing sequence: cut it after the failing operation, then remove
/// ever smaller chunks as long as what remains still mismatches (any mismatch counts), until no single
/// operation can go or the time budget is spent.
/// </summary>
internal sealed class ConformanceShrinker(ConformanceRunner runner, TimeSpan budget)
{
    public (List<ConfOp> Ops, RunOutcome Outcome) Shrink(IReadOnlyList<ConfOp> ops, RunOutcome failing)
    {
        var clock = Stopwatch.StartNew();
        var best = ops.Take(failing.Mismatch!.OpIndex + 1).ToList();
        var bestOutcome = failing;
        int chunk = Math.Max(1, best.Count / 2);
        while (clock.Elapsed < budget)
        {
            bool progressed = false;
            for (int start = 0; start < best.Count && clock.Elapsed < budget;)
            {
                var candidate = best.Take(start).Concat(best.Skip(start + chunk)).ToList();
                var outcome = candidate.Count == 0 ? null : runner.Run(candidate);
                if (outcome?.Mismatch is { } m)
                {
                    best = candidate.Take(m.OpIndex + 1).ToList();
                    bestOutcome = outcome;
                    progressed = true;
                }
                else
                {
                    start += chunk;
                }
            }
            if (chunk == 1 && !progressed) break;
            if (!progressed) chunk = Math.Max(1, chunk / 2);
            else chunk = Math.Min(chunk, Math.Max(1, best.Count / 2));
        }
        return (best, bestOutcome);
    }
}
