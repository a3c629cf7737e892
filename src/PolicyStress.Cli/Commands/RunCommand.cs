using System.CommandLine;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// `policystress run`: one configuration, or the sweep of every combination when --workload, --scheme,
/// --sp-lock or --tasks list several values. Prints an audit line per configuration; exits 3 when a
/// scheme that claims safety shows a finding.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var o = new CommonOptions();
        var workload = ListOption("--workload", "Workloads: pft, wis, storm, churn (comma list)", "pft");
        var scheme = ListOption("--scheme", "Refcount schemes: " + string.Join(", ", SchemeNames.Schemes.Select(s => s.Name)) + " (comma list)", "lookup");
        var spLock = ListOption("--sp-lock", "Shared policy tree locks: " + string.Join(", ", SchemeNames.Locks.Select(s => s.Name)) + " (comma list)", "rwlock");
        var tasks = ListOption("--tasks", "Faulting task counts (comma list, e.g. 1,2,4)", "1");
        var bugs = ListOption("--bug", "2007 bugs for lookup-2007: " + string.Join(", ", SchemeNames.Bugs.Select(b => b.Name)) + ", all, none", "none");
        var duration = new Option<string>("--duration") { Description = "Measured time per point (e.g. 3s, 500ms)", DefaultValueFactory = _ => "2s" };
        var warmup = new Option<string>("--warmup") { Description = "Warm-up before measuring", DefaultValueFactory = _ => "1s" };
        var interval = new Option<string>("--interval") { Description = "Measured interval length (10 a point by default: compare's samples at one rep)", DefaultValueFactory = _ => "200ms" };
        var reps = new Option<int>("--reps") { Description = "Repetitions of each point", DefaultValueFactory = _ => 1 };
        var tpm = new Option<int>("--threads-per-mm") { Description = "Tasks sharing one mm (thread model); 1 = one process per task", DefaultValueFactory = _ => 1 };
        var rate = new Option<int>("--mbind-rate") { Description = "Installer mbind calls per second (churn)", DefaultValueFactory = _ => 2000 };
        var pages = new Option<int>("--pages") { Description = "Pages each task faults per pass", DefaultValueFactory = _ => 256 };
        var storm = new Option<int>("--storm-factor") { Description = "Tasks per planned CPU in storm", DefaultValueFactory = _ => 8 };
        var cmd = new Command("run", "Run one configuration, or a sweep when options list several values")
        {
            workload, scheme, spLock, tasks, bugs, duration, warmup, interval, reps, tpm, rate, pages, storm,
            o.Placement, o.FakeNuma, o.Csv,
        };
        cmd.SetAction(parse =>
        {
            var topology = SweepSession.Topology(parse.GetValue(o.FakeNuma));
            var placement = OptionParsing.Placement(parse.GetValue(o.Placement)!);
            SweepSession.CheckPlacement(topology, placement);
            int r = Positive(parse.GetValue(reps), "--reps");
            var template = new RunConfig
            {
                Duration = OptionParsing.Duration(parse.GetValue(duration)!, "--duration"),
                Warmup = OptionParsing.Duration(parse.GetValue(warmup)!, "--warmup", allowZero: true),
                Interval = OptionParsing.Duration(parse.GetValue(interval)!, "--interval"),
                ThreadsPerMm = Positive(parse.GetValue(tpm), "--threads-per-mm"),
                MbindRate = Positive(parse.GetValue(rate), "--mbind-rate"),
                PagesPerTask = Positive(parse.GetValue(pages), "--pages"),
                StormFactor = Positive(parse.GetValue(storm), "--storm-factor"),
                Bugs = OptionParsing.Bugs(parse.GetValue(bugs)),
                Placement = placement,
            };
            if (template.Interval > template.Duration) template = template with { Interval = template.Duration };
            var configs = new SweepGrid(template)
                .Over(OptionParsing.Items(parse.GetValue(workload)).Select(OptionParsing.Workload), (c, w) => c with { Workload = w })
                .Over(OptionParsing.Items(parse.GetValue(spLock)).Select(SchemeNames.ParseLock), (c, l) => c with { SpLock = l })
                .Over(OptionParsing.PositiveInts(parse.GetValue(tasks), "--tasks"), (c, n) => c with { Tasks = n })
                .Over(OptionParsing.Items(parse.GetValue(scheme)).Select(SchemeNames.ParseScheme), (c, s) => c with { Scheme = s })
                .Expand(r);
            if (configs.Count == 0) throw new UsageException("run: nothing to run (an empty list was given)");
            var (_, exit, csvLine, _) = SweepSession.Execute(configs, topology, parse.GetValue(o.Csv), auditEveryPoint: true);
            Console.Out.WriteLine(csvLine);
            return exit;
        });
        return cmd;
    }

    private static Option<string[]> ListOption(string name, string description, string @default) => new(name)
    {
        Description = description, DefaultValueFactory = _ => [@default], AllowMultipleArgumentsPerToken = true,
    };

    private static int Positive(int v, string option) =>
        v > 0 ? v : throw new UsageException($"{option}: {v} is out of range; accepted: a positive integer");
}
