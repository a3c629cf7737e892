using System.CommandLine;
using PolicyStress.Cli.ConsoleUi;
using PolicyStress.Harness.Suites;
using Spectre.Console;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// `policystress suite [--quick]`: pft, wis and churn × every scheme × rwlock and snapshot × task counts
/// stepped by the topology, plus reps of the headline points for the run-to-run spread; a table per
/// workload, the conclusions and the spread at the end, and the CSV path.
/// </summary>
internal static class SuiteCommand
{
    public static Command Create()
    {
        var o = new CommonOptions();
        var quick = new Option<bool>("--quick") { Description = "Short points (the whole suite in under a minute on 2 CPUs)" };
        var backend = new Option<string[]>("--backend")
        {
            Description = "Backends the suite runs: engine (the model), kernel (the backend section's real faults on this kernel) (comma list)",
            DefaultValueFactory = _ => ["engine,kernel"], AllowMultipleArgumentsPerToken = true,
        };
        var reps = OptionParsing.Int("--reps", "Repetitions of each point (the spread points get at least " + SuitePlan.SpreadReps + ")", 1);
        var cmd = new Command("suite", "Run the default suite: every scheme on both tree locks and every task step, for the workloads below; " +
            "then a table per workload, conclusions, and the run-to-run spread." + Environment.NewLine + Environment.NewLine +
            WorkloadHelp.Text(SuitePlan.Workloads))
        {
            quick, backend, reps, o.Placement, o.FakeNuma, o.Csv, o.Force,
        };
        cmd.SetAction(parse =>
        {
            var topology = SweepSession.Topology(parse.GetValue(o.FakeNuma));
            var placement = OptionParsing.Placement(parse.GetValue(o.Placement)!);
            SweepSession.CheckPlacement(topology, placement);
            bool q = parse.GetValue(quick);
            var backends = OptionParsing.Items(parse.GetValue(backend), "--backend").Select(OptionParsing.Backend).ToHashSet();
            var configs = SuitePlan.Create(topology, q, parse.GetValue(reps), SuitePlan.Template(q) with { Placement = placement })
                .Where(c => backends.Contains(c.Backend)).ToList();
            KernelOptions.Check(configs);
            CpuBudget.Check(configs, topology, oversubscribe: false);
            var (result, exit, csvLine, csv) = SweepSession.Execute(configs, topology, o.Output(parse, q ? "suite-quick" : "suite"), auditEveryPoint: false);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            console.Profile.Width = Math.Max(console.Profile.Width, 120);   // redirected output defaults to 80 and wraps scheme names
            SuiteReport.Write(console, result.Points);
            Console.Out.WriteLine(csvLine);
            // The figures compare schemes: one curve per scheme and tree lock (`plot` draws any CSV whole).
            if (csv is not null) PlotCommand.DrawBeside(csv, [.. SuiteReport.ProcessModel(result.Points).Select(p => p.Row)]);
            return exit;
        });
        return cmd;
    }
}
