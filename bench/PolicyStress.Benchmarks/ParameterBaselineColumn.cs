using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace PolicyStress.Benchmarks;

/// <summary>
/// Ratio and RatioSD against a baseline parameter value rather than a baseline method: each case is divided by
/// the case of the same method, job and other parameters whose <c>parameter</c> is <c>baseline</c> (e.g. every
/// scheme by lookup under the same tree lock). BenchmarkDotNet's own Ratio needs a method marked Baseline, which a
/// parameter sweep over a registry cannot have; the statistics are its own (Statistics.Divide: every pairwise
/// quotient of the two cases' iterations).
/// </summary>
public sealed class ParameterBaselineColumn(string parameter, object baseline, bool standardDeviation) : IColumn
{
    public string Id => $"{nameof(ParameterBaselineColumn)}.{parameter}.{(standardDeviation ? "SD" : "Mean")}";
    public string ColumnName => standardDeviation ? "RatioSD" : "Ratio";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Baseline;
    public int PriorityInCategory => standardDeviation ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => standardDeviation
        ? $"Standard deviation of the ratio to {parameter}={baseline}"
        : $"Mean of the ratio distribution to {parameter}={baseline} (same method, job and other parameters)";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => c.Parameters.Items.Any(p => p.Name == parameter));
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var current = summary[benchmarkCase]?.ResultStatistics;
        var reference = Baseline(summary, benchmarkCase);
        var baseStats = reference is null ? null : summary[reference]?.ResultStatistics;
        if (current is null || baseStats is null || baseStats.N == 0 || current.N == 0) return "?";
        try
        {
            var ratio = Statistics.Divide(current, baseStats);
            return (standardDeviation ? ratio.StandardDeviation : ratio.Mean).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (DivideByZeroException)
        {
            return "?";
        }
    }

    private BenchmarkCase? Baseline(Summary summary, BenchmarkCase c) => summary.BenchmarksCases.FirstOrDefault(b =>
        b.Descriptor == c.Descriptor && b.Job == c.Job &&
        Equals(b.Parameters[parameter], baseline) &&
        c.Parameters.Items.Where(p => p.Name != parameter).All(p => Equals(b.Parameters[p.Name], p.Value)));
}
