using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;
using Perfolizer.Metrology;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Benchmarks;

/// <summary>
/// Micro-benchmarks of the engine's hot paths (single thread): the cost of one fault per scheme and tree
/// lock, and of the dispatch that picks them. Scaling with threads is the harness's job (`policystress run`).
/// Usage: ./run.sh bench [BenchmarkDotNet options], e.g. --filter '*Fault*' --job medium.
/// </summary>
public static class Program
{
    /// <summary>Options that print something and run nothing: BenchmarkDotNet returns no summary for them.</summary>
    private static readonly string[] InfoOptions = ["--list", "--help", "-h", "-?", "--version", "--info"];

    public static int Main(string[] args)
    {
        // Numbers without units in the cells (the units go into the header) and without thousands separators
        // (BenchmarkDotNet formats with "N"): CSVs that diff and parse as numbers on any machine.
        var numbers = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        numbers.NumberFormat.NumberGroupSeparator = "";
        var style = new SummaryStyle(numbers, printUnitsInHeader: true, sizeUnit: SizeUnit.B,
            timeUnit: TimeUnit.Nanosecond, printUnitsInContent: false);
        var config = ManualConfig.CreateMinimumViable()
            .WithSummaryStyle(style)
            .AddExporter(new CsvExporter(CsvSeparator.Comma, style), JsonExporter.Full, MarkdownExporter.GitHub)
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median)
            .AddColumn(new ParameterBaselineColumn(nameof(FaultBenchmarks.Scheme), RefScheme.Lookup, standardDeviation: false),
                       new ParameterBaselineColumn(nameof(FaultBenchmarks.Scheme), RefScheme.Lookup, standardDeviation: true),
                       new ParameterBaselineColumn(nameof(TreeLockBenchmarks.TreeLock), SpLockKind.Rwls, standardDeviation: false),
                       new ParameterBaselineColumn(nameof(TreeLockBenchmarks.TreeLock), SpLockKind.Rwls, standardDeviation: true),
                       new ParameterBaselineColumn(nameof(MmapLockBenchmarks.MmapLock), Engine.AddressSpaces.MmapLockKind.Rwls, standardDeviation: false),
                       new ParameterBaselineColumn(nameof(MmapLockBenchmarks.MmapLock), Engine.AddressSpaces.MmapLockKind.Rwls, standardDeviation: true));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
        if (args.Any(a => InfoOptions.Contains(a, StringComparer.Ordinal))) return 0;
        // A filter that matches nothing exits 0 in BenchmarkDotNet; make it an error for scripts.
        if (summaries.Count == 0 || summaries.All(s => s.Reports.Length == 0))
        {
            Console.Error.WriteLine("bench: no benchmark matched (./run.sh bench --list flat lists them)");
            return 2;
        }
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
