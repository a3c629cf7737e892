using System.CommandLine;
using PolicyStress.Harness.Topology;
using PolicyStress.Linux;
using Spectre.Console;

namespace PolicyStress.Cli.Commands;

/// <summary>`policystress topology [--tasks N]`: nodes, CPUs, distances and the placement of N tasks.</summary>
internal static class TopologyCommand
{
    public static Command Create()
    {
        var o = new CommonOptions();
        var tasks = OptionParsing.Int("--tasks", "Tasks to place (0, the default: one per allowed CPU)", 0, min: 0);
        var cmd = new Command("topology", "Print the NUMA topology this process may use and the planned task placement") { tasks, o.Placement, o.FakeNuma };
        cmd.SetAction(parse =>
        {
            var t = SweepSession.Topology(parse.GetValue(o.FakeNuma));
            var placement = OptionParsing.Placement(parse.GetValue(o.Placement)!);
            SweepSession.CheckPlacement(t, placement);
            int n = parse.GetValue(tasks);
            if (n == 0) n = t.AllowedCpus.Count;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            Console.Out.WriteLine($"topology: {t.Kind} ({t.MachineNodes} machine node(s), {t.LogicalCpus} logical CPU(s), allowed CPUs {CpuList.Format(t.AllowedCpus)})");
            if (t.CpuModel.Length > 0) Console.Out.WriteLine($"cpu: {t.CpuModel}");
            var nodes = new Table().AddColumn("node").AddColumn("cpus").AddColumn("memory");
            foreach (var node in t.Nodes) nodes.AddRow(node.Id.ToString(), CpuList.Format(node.Cpus), node.HasMemory ? "yes" : "no");
            console.Write(nodes);
            var dist = new Table().AddColumn("distance");
            foreach (var node in t.Nodes) dist.AddColumn(new TableColumn(node.Id.ToString()).RightAligned());
            foreach (var node in t.Nodes) dist.AddRow([node.Id.ToString(), .. node.Distances.Select(d => d.ToString())]);
            console.Write(dist);
            int[] plan = PlacementPlanner.Plan(t, n, placement);
            var tbl = new Table().Title($"placement {placement} of {n} task(s)").AddColumn("task").AddColumn("cpu").AddColumn("node");
            for (int i = 0; i < plan.Length; i++) tbl.AddRow(i.ToString(), plan[i].ToString(), t.Nodes[t.NodeIndexOfCpu(plan[i])].Id.ToString());
            console.Write(tbl);
            if (n > t.AllowedCpus.Count) Console.Out.WriteLine($"note: {n} tasks on {t.AllowedCpus.Count} CPUs: CPUs are shared");
            return 0;
        });
        return cmd;
    }
}
