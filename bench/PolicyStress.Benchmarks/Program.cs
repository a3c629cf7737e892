using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace PolicyStress.Benchmarks;

/// <summary>
/// Micro-benchmarks of the engine's hot paths (single thread): the cost of one fault per scheme and tree
/// lock, and of the dispatch that picks them. Scaling with threads is the harness's job (`policystress run`).
/// Usage: ./run.sh bench [BenchmarkDotNet options], e.g. --filter '*Fault*' --job short.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var style = SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond).WithCultureInfo(System.Globalization.CultureInfo.InvariantCulture);
        var config = ManualConfig.CreateMinimumViable()
            .AddExporter(new CsvExporter(CsvSeparator.Comma, style), MarkdownExporter.GitHub)
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
        // A filter that matches nothing exits 0 in BenchmarkDotNet; make it an error for scripts.
        if (summaries.Count == 0 || summaries.All(s => s.Reports.Length == 0))
        {
            Console.Error.WriteLine("bench: no benchmark matched");
            return 2;
        }
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
