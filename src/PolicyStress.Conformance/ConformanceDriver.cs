using PolicyStress.Harness.Topology;
using PolicyStress.Linux;

namespace PolicyStress.Conformance;

/// <summary>
/// `policystress conformance`: generate (or read) a sequence, run it against the kernel and the engine,
/// and on the first mismatch shrink it and print the minimal script with both answers side by side.
/// The last line is always <c>conformance: &lt;ops&gt; ops, &lt;checks&gt; checks, &lt;mismatches&gt; mismatches</c>.
/// </summary>
public sealed class ConformanceDriver(TextWriter output)
{
    public TimeSpan ShrinkBudget { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Exit code: 0 no mismatch (or skipped), 1 a mismatch.</summary>
    public int Run(int seed, int opCount, bool verbose, string? script = null)
    {
        if (LinuxSide.Unavailable() is { } why)
        {
            output.WriteLine($"conformance: skipped: {why}");
            output.WriteLine("conformance: 0 ops, 0 checks, 0 mismatches");
            return 0;
        }
        var machine = SysfsTopology.Read();
        var ops = script is null
            ? new ConformanceGenerator(seed, machine.MemsAllowed).Generate(opCount)
            : ConfScript.Parse(script);
        if (script is null) output.WriteLine($"conformance: seed {seed}, {ops.Count} ops, nodes allowed {string.Join(',', machine.MemsAllowed)}");
        var runner = new ConformanceRunner(TopologyFactory.Create(machine));
        Action<int, ConfOp, string>? trace = verbose ? (i, op, r) => output.WriteLine($"{i,5}: {op.ToScript()}  => {r}") : null;
        RunOutcome outcome;
        try
        {
            outcome = runner.Run(ops, trace);
        }
        catch (InvalidOperationException e)
        {
            // The sides are torn down already (using); keep the promise about the last line.
            output.WriteLine($"conformance: error: {e.Message}{(e.InnerException is { } inner ? ": " + inner.Message : "")}");
            output.WriteLine("conformance: 0 ops, 0 checks, 0 mismatches");
            return 1;
        }
        if (PlacementNote(machine) is { } note) output.WriteLine(note);
        if (outcome.Mismatch is null)
        {
            output.WriteLine($"conformance: {outcome.Ops} ops, {outcome.Checks} checks, 0 mismatches");
            return 0;
        }

        Report("first mismatch", ops, outcome.Mismatch, full: false);
        var (small, smallOutcome) = new ConformanceShrinker(runner, ShrinkBudget).Shrink(ops, outcome);
        output.WriteLine();
        output.WriteLine($"# minimal script ({small.Count} ops; replay: policystress conformance --replay FILE)");
        foreach (var op in small) output.WriteLine(op.ToScript());
        Report("its mismatch", small, smallOutcome.Mismatch!, full: true);
        output.WriteLine($"conformance: {outcome.Ops} ops, {outcome.Checks} checks, 1 mismatches");
        return 1;
    }

    /// <summary>
    /// Said when this process can allocate from one node only: every page then lands on it whatever the
    /// policy, so the placement checks (N&lt;n&gt;= counts, MPOL_F_NODE, interleave from the inode number)
    /// are trivially equal here and mean something only on a machine with two or more.
    /// </summary>
    internal static string? PlacementNote(MachineTopology machine)
    {
        var nodes = machine.Nodes.Where(n => n.HasMemory && machine.MemsAllowed.Contains(n.Id)).Select(n => n.Id).ToList();
        return nodes.Count > 1 ? null
            : $"conformance: one memory node allowed ({string.Join(',', nodes)}): page placement (N<n>= counts, MPOL_F_NODE, " +
              "interleave by inode) is trivially equal here; it is compared for real on machines with two or more";
    }

    private void Report(string title, IReadOnlyList<ConfOp> ops, Mismatch m, bool full)
    {
        output.WriteLine($"# {title}: after op {m.OpIndex}: {ops[m.OpIndex].ToScript()}");
        int w = Math.Max(6, m.Differences.Max(d => d.What.Length));
        int kw = Math.Max(6, m.Differences.Max(d => d.Kernel.Length));
        output.WriteLine($"#   {"what".PadRight(w)}  {"kernel".PadRight(kw)}  engine");
        foreach (var (what, k, e) in full ? m.Differences : m.Differences.Take(8))
            output.WriteLine($"#   {what.PadRight(w)}  {k.PadRight(kw)}  {e}");
        if (!full && m.Differences.Count > 8) output.WriteLine($"#   ... {m.Differences.Count - 8} more");
    }
}
