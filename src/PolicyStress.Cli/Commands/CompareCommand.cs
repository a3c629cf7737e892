using System.CommandLine;
using PolicyStress.Cli.Compare;
using PolicyStress.Cli.ConsoleUi;
using Spectre.Console;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// `policystress compare BASE.csv NEW.csv [--threshold 5%] [--metric faults_per_s]`: two result files joined on
/// their configurations, a table per workload, exit code 1 on a slowdown or a failed audit.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseCsv = new Argument<string>("BASE") { Description = "Result CSV to compare against (e.g. the last commit's)" };
        var newCsv = new Argument<string>("NEW") { Description = "Result CSV to judge" };
        var threshold = new Option<string>("--threshold")
        {
            Description = "Smallest change of the median that counts, percent (with two reps or more on each side, the min..max ranges must not overlap either)",
            DefaultValueFactory = _ => "5%",
        };
        var metric = new Option<string>("--metric")
        {
            Description = "Numeric column to compare (results/README.md); columns ending in _ns are latencies: lower is better",
            DefaultValueFactory = _ => MetricColumns.Default,
        };
        var cmd = new Command("compare",
            "Compare two result CSVs configuration by configuration (median of reps, new/base, faster/slower/same, findings). " +
            "A side with a single rep gives only hints (faster?/slower?): run with --reps 3 to decide. Exit code: 0 no regression; 1 a configuration is slower (>= 2 reps on each side, threshold exceeded, ranges apart) or a new row has audit_failed=true; 2 usage error (bad option, missing, malformed or other-version file)")
        {
            baseCsv, newCsv, threshold, metric,
        };
        cmd.SetAction(parse =>
        {
            var settings = ResultComparer.Settings(parse.GetValue(threshold)!, parse.GetValue(metric)!);
            var report = ResultComparer.Compare(ResultFile.Load(parse.GetValue(baseCsv)!), ResultFile.Load(parse.GetValue(newCsv)!), settings);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            console.Profile.Width = Math.Max(console.Profile.Width, 120);   // redirected output defaults to 80 and wraps
            CompareTable.Write(console, report);
            return report.ExitCode;
        });
        return cmd;
    }
}
