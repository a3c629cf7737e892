using System.CommandLine;
using PolicyStress.Cli.ConsoleUi;
using PolicyStress.Harness.Suites;
using Spectre.Console;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// `policystress suite [--quick]`: pft, wis and churn × every scheme × rwlock and snapshot × task counts
/// stepped by the topology; a table per workload at the end, and the CSV path.
/// </summary>
internal static class SuiteCommand
{
    public static Command Create()
    {
        var o = new CommonOptions();
        var quick = new Option<bool>("--quick") { Description = "Short points (the whole suite in under a minute on 2 CPUs)" };
        var reps = new Option<int>("--reps") { Description = "Repetitions of each point", DefaultValueFactory = _ => 1 };
        var cmd = new Command("suite", "Run the default suite and summarise it per workload") { quick, reps, o.Placement, o.FakeNuma, o.Csv };
        cmd.SetAction(parse =>
        {
            var topology = SweepSession.Topology(parse.GetValue(o.FakeNuma));
            var placement = OptionParsing.Placement(parse.GetValue(o.Placement)!);
            SweepSession.CheckPlacement(topology, placement);
            int r = parse.GetValue(reps);
            if (r < 1) throw new UsageException($"--reps: {r} is out of range; accepted: a positive integer");
            bool q = parse.GetValue(quick);
            var configs = SuitePlan.Create(topology, q, r, SuitePlan.Template(q) with { Placement = placement });
            var (points, exit, csvLine, csv) = SweepSession.Execute(configs, topology, parse.GetValue(o.Csv), auditEveryPoint: false);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            console.Profile.Width = Math.Max(console.Profile.Width, 120);   // redirected output defaults to 80 and wraps scheme names
            SuiteReport.Write(console, points);
            Console.Out.WriteLine(csvLine);
            if (csv is not null) PlotCommand.DrawBeside(csv, [.. points.Select(p => p.Row)]);
            return exit;
        });
        return cmd;
    }
}
