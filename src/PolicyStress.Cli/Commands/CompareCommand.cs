using System.CommandLine;
using PolicyStress.Cli.Compare;
using PolicyStress.Cli.ConsoleUi;
using Spectre.Console;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// `policystress compare BASE.csv NEW.csv [--threshold 5%] [--noise 1ns] [--metric faults_per_s]`: two result files
/// joined on their configurations, a table per workload, exit code 1 on a significant slowdown or a new failed audit.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseCsv = new Argument<string>("BASE") { Description = "Result CSV to compare against (e.g. the last commit's)" };
        var newCsv = new Argument<string>("NEW") { Description = "Result CSV to judge" };
        var threshold = new Option<string>("--threshold")
        {
            Description = "Smallest change that counts, percent: slower/faster need a significant change beyond it, same needs the 95% CI within it",
            DefaultValueFactory = _ => "5%",
        };
        var noise = new Option<string>("--noise")
        {
            Description = "Noise floor in time per operation (the metric for _ns columns, 1e9/value for rates): smaller changes are the same",
            DefaultValueFactory = _ => "1ns",
        };
        var metric = new Option<string>("--metric")
        {
            Description = "Numeric column to compare (results/README.md); columns ending in _ns or _us: lower is better",
            DefaultValueFactory = _ => MetricColumns.Default,
        };
        var cmd = new Command("compare",
            "Compare two result CSVs configuration by configuration: Perfolizer's Mann-Whitney equivalence test (alpha 0.05) " +
            $"against the threshold, on at least {SampleTest.MinSamples} samples a side — the reps, or when there are fewer, the rows' " +
            "per-interval rates (faults_per_s only; intervals of one process are not independent) — and the ratio of medians with " +
            "its 95% CI. Verdicts: faster, slower, same, undecided (too few samples or too noisy). A warning line names every " +
            "setting (duration, interval, host, kernel, .NET, GC...) in which the files differ. Exit code: 0 no regression; 1 a " +
            "configuration is significantly slower beyond the threshold, or newly fails its audit; 2 usage error (bad option, " +
            "missing, malformed or other-version file, a directory)")
        {
            baseCsv, newCsv, threshold, noise, metric,
        };
        cmd.SetAction(parse =>
        {
            var settings = ResultComparer.Settings(parse.GetValue(threshold)!, parse.GetValue(metric)!, parse.GetValue(noise)!);
            var report = ResultComparer.Compare(ResultFile.Load(parse.GetValue(baseCsv)!), ResultFile.Load(parse.GetValue(newCsv)!), settings);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            console.Profile.Width = Math.Max(console.Profile.Width, 200);   // redirected output defaults to 80 and wraps
            CompareTable.Write(console, report);
            return report.ExitCode;
        });
        return cmd;
    }
}
