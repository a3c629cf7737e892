using PolicyStress.Engine.Topology;
using PolicyStress.Harness.Topology;

namespace PolicyStress.Conformance;

/// <summary>
/// Applies a sequence to a fresh kernel side and a fresh engine side, one operation at a time, and
/// compares after each: the return value (and errno, and what get_mempolicy wrote), then every
/// observation (policy at every page of both views, node of every touched page, the thread's policy,
/// the numa_maps lines of the reservation). Stops at the first mismatch. Both sides are torn down on
/// the way out, whatever happened.
/// </summary>
internal sealed class ConformanceRunner(RunTopology machine)
{
    private readonly NumaTopology _topology = machine.ToEngine();

    public RunOutcome Run(IReadOnlyList<ConfOp> ops, Action<int, ConfOp, string>? trace = null)
    {
        using var linux = new LinuxSide();
        IConformanceSide kernel = linux;
        using IConformanceSide engine = new EngineSide(_topology, machine.AllowedCpus, kernel.Reservation, () => linux.LastInode);
        var state = new ConformanceState(_topology.NodeCount);
        long checks = 0;
        var kf = new List<(string, string)>();
        var ef = new List<(string, string)>();
        for (int i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            // The guards that keep the real process safe are decided once, for both sides alike.
            bool skip = state.Skips(op);
            string rk = skip ? "skip" : kernel.Apply(op, state);
            string re = skip ? "skip" : engine.Apply(op, state);
            trace?.Invoke(i, op, rk);
            checks++;
            if (rk != re) return new RunOutcome(i + 1, checks, new Mismatch(i, [("return", rk, re)]));
            state.Update(op, rk);
            kf.Clear();
            ef.Clear();
            FactBuilder.Observe(kernel, state, kf);
            FactBuilder.Observe(engine, state, ef);
            checks += kf.Count;
            var diffs = ConformanceComparer.Diff(kf, ef);
            if (diffs.Count > 0) return new RunOutcome(i + 1, checks, new Mismatch(i, diffs));
        }
        return new RunOutcome(ops.Count, checks, null);
    }
}
