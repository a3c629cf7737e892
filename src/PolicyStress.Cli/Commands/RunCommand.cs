using System.CommandLine;
using PolicyStress.Cli.ConsoleUi;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;
using PolicyStress.Harness.Workloads;
using Spectre.Console;

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
        var backend = ListOption("--backend", "Backends: engine (the model), kernel (real faults on SysV segments in this kernel; no schemes, locks or auditor) (comma list)", "engine");
        var workload = ListOption("--workload", "Workloads: pft, wis, storm, churn (comma list; described above)", "pft");
        var scheme = ListOption("--scheme", "Refcount schemes: " + string.Join(", ", SchemeNames.Schemes.Select(s => s.Name)) + " (comma list)", SchemeNames.Name(RefScheme.Lookup));
        var spLock = ListOption("--sp-lock", "Shared policy tree locks: " + string.Join(", ", SchemeNames.Locks.Select(s => s.Name)) + " (comma list)", "rwlock");
        var mmapLock = ListOption("--mmap-lock", "Locks a fault takes to find its vma: " + string.Join(", ", SchemeSpelling.MmapLocks.Select(s => s.Name)) + " (rwls: ReaderWriterLockSlim as the mm's lock; rwsem: rw_semaphore; per-vma: the vma's own lock) (comma list)", "rwls");
        var tasks = ListOption("--tasks", "Faulting task counts (comma list, e.g. 1,2,4), at most the allowed CPUs unless --oversubscribe", "1");
        var policy = ListOption("--policy", "What the setup installs on the faulted segments: interleave (mbind over all nodes), none (no mbind: the empty-tree fast path) (comma list)", "interleave");
        var faultCost = ListOption("--fault-cost", "What an allocating fault spends besides the policy path: isolated (the model alone), kernel (also the kernel's page clear, page-cache and inode locks, and calibrated private work) (comma list)", "isolated");
        var privateWork = new Option<string>("--private-work")
        {
            Description = "Kernel fault cost's private work per allocating fault: auto (the real kernel's single-task fault, measured at run start, minus the model's own), default (the documented 2800 ns real fault minus the model's), or N ns",
            DefaultValueFactory = _ => "auto",
        };
        var schedule = ListOption("--schedule", "Engine pass schedule: inline (each task frees its pass at once, inside the window), barrier (all fault a pass, barrier, free outside the window, barrier: the kernel backend's) (comma list)", "inline");
        var bugs = ListOption("--bug", "2007 bugs of the lookup-2007 points: " + string.Join(", ", SchemeNames.Bugs.Select(b => b.Name)) + ", all, " + SchemeSpelling.NoBugs, SchemeSpelling.NoBugs);
        var duration = new Option<string>("--duration") { Description = "Measured time per point (e.g. 3s, 500ms)", DefaultValueFactory = _ => "2s" };
        var warmup = new Option<string>("--warmup") { Description = "Warm-up before measuring", DefaultValueFactory = _ => "1s" };
        var interval = new Option<string>("--interval") { Description = "Measured interval length, at most the duration (left out: 200ms, ten a point at the default duration: compare's samples at one rep; or --duration if that is shorter)", DefaultValueFactory = _ => "200ms" };
        var reps = OptionParsing.Int("--reps", "Repetitions of each point", 1);
        var tpm = OptionParsing.Int("--threads-per-mm", "Tasks sharing one mm (thread model); 1 = one process per task", 1);
        var rate = ListOption("--mbind-rate", "Installer mbind calls per second (churn; comma list: a writer-rate sweep)", "2000");
        var pages = OptionParsing.Int("--pages", "Pages each task faults per pass", 256);
        var storm = OptionParsing.Int("--storm-factor", "Tasks per planned CPU in storm", 8);
        var oversubscribe = new Option<bool>("--oversubscribe") { Description = "Allow more faulting tasks than allowed CPUs (rows say oversubscribed=true)" };
        var cmd = new Command("run", "Run one configuration, or a sweep when options list several values." + Environment.NewLine + Environment.NewLine +
            WorkloadHelp.Text(Enum.GetValues<WorkloadKind>()))
        {
            backend, workload, scheme, spLock, mmapLock, tasks, policy, faultCost, privateWork, schedule, bugs, duration, warmup, interval, reps, tpm, rate, pages, storm, oversubscribe,
            o.Placement, o.FakeNuma, o.Csv, o.Force,
        };
        cmd.SetAction(parse =>
        {
            var topology = SweepSession.Topology(parse.GetValue(o.FakeNuma));
            var placement = OptionParsing.Placement(parse.GetValue(o.Placement)!);
            SweepSession.CheckPlacement(topology, placement);
            var template = new RunConfig
            {
                Duration = OptionParsing.Duration(parse.GetValue(duration)!, "--duration"),
                Warmup = OptionParsing.Duration(parse.GetValue(warmup)!, "--warmup", allowZero: true),
                Interval = OptionParsing.Duration(parse.GetValue(interval)!, "--interval"),
                ThreadsPerMm = parse.GetValue(tpm),
                PagesPerTask = parse.GetValue(pages),
                PrivateWork = OptionParsing.PrivateWork(parse.GetValue(privateWork)!),
                StormFactor = parse.GetValue(storm),
                Placement = placement,
            };
            if (template.Interval > template.Duration)
            {
                // A default interval follows a short --duration; one the user typed is never changed behind their back.
                if (parse.GetResult(interval) is { Implicit: false })
                    throw new UsageException($"--interval: {parse.GetValue(interval)} is longer than --duration {parse.GetValue(duration)}; accepted: at most the duration");
                template = template with { Interval = template.Duration };
            }
            var schemes = OptionParsing.Items(parse.GetValue(scheme), "--scheme").Select(SchemeNames.ParseScheme).ToList();
            var bugSet = OptionParsing.Bugs(parse.GetValue(bugs));
            if (bugSet != Bugs2007.None && !schemes.Contains(RefScheme.Lookup2007))
                throw new UsageException($"--bug: the 2007 bugs exist only in lookup-2007, and --scheme lists {string.Join(",", schemes.Select(SchemeNames.Name))}; accepted: --scheme lookup-2007 (alone or in a list), or no --bug");
            var backends = OptionParsing.Items(parse.GetValue(backend), "--backend").Select(OptionParsing.Backend).ToList();
            var configs = new SweepGrid(template)
                .Over(backends, (c, b) => c with { Backend = b })
                .Over(OptionParsing.Items(parse.GetValue(workload), "--workload").Select(OptionParsing.Workload), (c, w) => c with { Workload = w })
                .Over(OptionParsing.Items(parse.GetValue(spLock), "--sp-lock").Select(SchemeNames.ParseLock), (c, l) => c with { SpLock = l })
                .Over(OptionParsing.Items(parse.GetValue(mmapLock), "--mmap-lock").Select(SchemeNames.ParseMmapLock), (c, l) => c with { MmapLock = l })
                .Over(OptionParsing.Items(parse.GetValue(policy), "--policy").Select(OptionParsing.Policy), (c, p) => c with { Policy = p })
                .Over(OptionParsing.Items(parse.GetValue(faultCost), "--fault-cost").Select(OptionParsing.FaultCost), (c, f) => c with { FaultCost = f })
                .Over(OptionParsing.Items(parse.GetValue(schedule), "--schedule").Select(OptionParsing.Schedule), (c, s) => c with { Schedule = s })
                .Over(OptionParsing.PositiveInts(parse.GetValue(tasks), "--tasks"), (c, n) => c with { Tasks = n })
                .Over(OptionParsing.PositiveInts(parse.GetValue(rate), "--mbind-rate"), (c, r) => c with { MbindRate = r })
                .Over(schemes, (c, s) => c with { Scheme = s, Bugs = s == RefScheme.Lookup2007 ? bugSet : Bugs2007.None })
                .Expand(parse.GetValue(reps));
            if (configs.Count == 0) throw new UsageException("run: nothing to run (an empty list was given)");
            KernelOptions.Check(configs);
            CpuBudget.Check(configs, topology, parse.GetValue(oversubscribe));
            var (result, exit, csvLine, _) = SweepSession.Execute(configs, topology, o.Output(parse, "run"), auditEveryPoint: true);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            console.Profile.Width = Math.Max(console.Profile.Width, 140);   // redirected output defaults to 80
            ReclaimTable.Write(console, result.Points);
            Console.Out.WriteLine(csvLine);
            return exit;
        });
        return cmd;
    }

    private static Option<string[]> ListOption(string name, string description, string @default) => new(name)
    {
        Description = description, DefaultValueFactory = _ => [@default], AllowMultipleArgumentsPerToken = true,
    };
}
