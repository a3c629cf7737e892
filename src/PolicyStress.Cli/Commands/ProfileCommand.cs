using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PolicyStress.Cli.Profiling;
using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// `policystress profile [run options]`: one configuration of `run` in a child process under dotnet-trace (the
/// repository's local tool; ./run.sh profile restores it), the .nettrace, speedscope and CSV files under
/// results/profiles/, and the faulting threads' top methods by exclusive and inclusive time.
/// </summary>
internal static class ProfileCommand
{
    public const int Top = 15;
    private static readonly string[] OneValue = ["--workload", "--scheme", "--sp-lock", "--tasks"];

    public static Command Create()
    {
        var cmd = new Command("profile",
            "Run one configuration (run's options, e.g. --workload pft --scheme lookup --tasks 2) under dotnet-trace's sampled " +
            "thread-time profile; write results/profiles/<stem>.nettrace, .speedscope.json and .csv; print the faulting threads' " +
            $"top {Top} methods by exclusive and by inclusive time (other threads left out). The sampler stops threads at GC " +
            "safe points, so exclusive time piles up on the loop's GC poll: README.md, Profiling, compares it with perf")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        cmd.SetAction(parse =>
        {
            var runArgs = parse.UnmatchedTokens.ToList();
            string stem = Check(runArgs);
            string repo = Provenance.FindRepo(AppContext.BaseDirectory)
                ?? throw new UsageException("profile: no repository above the binary: dotnet-trace is the repository's local tool (dotnet-tools.json)");
            string dir = Path.Combine(repo, "results", "profiles");
            Directory.CreateDirectory(dir);
            string trace = Path.Combine(dir, stem + ".nettrace");
            if (!runArgs.Contains("--csv")) runArgs.AddRange(["--csv", Path.Combine(dir, stem + ".csv")]);
            int rc = Trace(repo, trace, runArgs);
            string speedscope = Path.ChangeExtension(trace, ".speedscope.json");
            if (!File.Exists(speedscope))
            {
                Console.Error.WriteLine($"profile: dotnet-trace exited {rc} and wrote no {speedscope}");
                return rc == 0 ? 1 : rc;
            }
            Console.Out.WriteLine($"trace: {trace}");
            Console.Out.WriteLine($"speedscope: {speedscope} (open in https://www.speedscope.app or: dotnet dotnet-trace report {trace} topN)");
            Print(MethodProfile.Read(speedscope));
            return rc;
        });
        return cmd;
    }

    /// <summary>The run options must parse as `run`'s and name one configuration; returns the files' stem.</summary>
    private static string Check(List<string> args)
    {
        var parse = RunCommand.Create().Parse(args);
        if (parse.Errors.Count > 0) throw new UsageException($"profile: {parse.Errors[0].Message} (policystress run --help lists the options)");
        foreach (var name in OneValue)
            if (OptionParsing.Items(parse.GetValue<string[]>(name), name) is { Length: > 1 } items)
                throw new UsageException($"profile: {name} lists {items.Length} values; a profile is of one configuration (one value each of {string.Join(", ", OneValue)})");
        string Value(string name) => OptionParsing.Items(parse.GetValue<string[]>(name), name).Single();
        // Checked here, before a trace is started for a child that would only print the same error.
        OptionParsing.Workload(Value("--workload"));
        SchemeNames.ParseScheme(Value("--scheme"));
        SchemeNames.ParseLock(Value("--sp-lock"));
        OptionParsing.PositiveInts([Value("--tasks")], "--tasks");
        return $"{DateTime.UtcNow.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{Value("--workload")}-{Value("--scheme")}-{Value("--sp-lock")}-{Value("--tasks")}t";
    }

    /// <summary>dotnet-trace collect around a child `policystress run`; its exit code (the child's when the trace worked).</summary>
    private static int Trace(string repo, string trace, List<string> runArgs)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = repo, UseShellExecute = false };
        foreach (var a in new[] { "dotnet-trace", "collect", "--format", "speedscope", "--show-child-io", "-o", trace, "--" }) psi.ArgumentList.Add(a);
        // The same binary: the apphost (process name "policystress"), or `dotnet policystress.dll`.
        string self = Environment.ProcessPath ?? "dotnet";
        psi.ArgumentList.Add(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "policystress.dll"));
        psi.ArgumentList.Add("run");
        foreach (var a in runArgs) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new UsageException("profile: could not start dotnet");
        p.WaitForExit();
        if (p.ExitCode != 0 && !File.Exists(trace))
            throw new UsageException($"profile: dotnet-trace failed (exit {p.ExitCode}); it is the repository's local tool: `dotnet tool restore` in {repo} (./run.sh profile does it)");
        return p.ExitCode;
    }

    private static void Print((List<MethodShare> Methods, int Threads) profile)
    {
        var (methods, threads) = profile;
        if (threads == 0)
        {
            Console.Out.WriteLine($"profile: no faulting thread ({MethodProfile.FaulterFrame}) in the trace");
            return;
        }
        Console.Out.WriteLine($"faulting threads: {threads}; share of their sampled time (dotnet-trace thread-time sampler, biased to GC safe points)");
        Console.Out.WriteLine("top methods by exclusive time:");
        foreach (var m in methods.OrderByDescending(m => m.Exclusive).Take(Top).Where(m => m.Exclusive > 0))
            Console.Out.WriteLine($"  {Pct(m.Exclusive)}  {m.Method}");
        Console.Out.WriteLine("top methods by inclusive time:");
        foreach (var m in methods.OrderByDescending(m => m.Inclusive).Take(Top))
            Console.Out.WriteLine($"  {Pct(m.Inclusive)}  {m.Method}");
    }

    private static string Pct(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture).PadLeft(5) + "%";
}
