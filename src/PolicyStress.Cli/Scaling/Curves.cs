using System.Globalization;
using PolicyStress.Cli.Compare;
using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Scaling;

/// <summary>Result rows into <see cref="Curve"/>s: grouped by configuration without the task count, reps averaged.</summary>
internal static class Curves
{
    private static readonly string[] Fixed = ["workload", "sp_lock", "scheme", "tasks"];

    public static List<Curve> From(IReadOnlyList<ResultRow> rows)
    {
        // Key settings other than the panel's, the scheme and the task count name the series where they vary.
        var extra = CompareColumns.Key.Where(c => !Fixed.Contains(c) && rows.Select(r => r[c]).Distinct().Count() > 1).ToList();
        bool hasBackend = CompareColumns.Key.Contains("backend");
        return [.. rows
            .GroupBy(r => string.Join('\u001f', new[] { r["workload"], r["sp_lock"], r["scheme"] }.Concat(extra.Select(c => r[c]))))
            .Select(g =>
            {
                var first = g.First();
                string series = string.Join(' ', new[] { first["scheme"] }.Concat(extra.Select(c => $"{c}={first[c]}")));
                var points = g.GroupBy(r => int.Parse(r["tasks"], CultureInfo.InvariantCulture)).OrderBy(t => t.Key).Select(Point).ToList();
                return new Curve(first["workload"], first["sp_lock"], first["scheme"], series,
                    hasBackend && first["backend"] == "kernel", points);
            })];
    }

    private static CurvePoint Point(IGrouping<int, ResultRow> reps)
    {
        double Mean(string column) => reps.Select(r => Number(r, column)).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        var rates = reps.Select(r => Number(r, "faults_per_s")).Where(double.IsFinite).DefaultIfEmpty(double.NaN).ToList();
        double perCpu = Mean("faults_per_cpu_s");
        return new CurvePoint(reps.Key, rates.Average(), rates.Min(), rates.Max(), perCpu > 0 ? 1e9 / perCpu : double.NaN,
            Mean("lat_p50_ns"), Mean("lat_p99_ns"), Mean("lat_p999_ns"), Mean("lat_max_ns"),
            Mean("task_min_faults_per_s"), Mean("task_max_faults_per_s"), Mean("task_cv"), reps.Count());
    }

    private static double Number(ResultRow r, string column) =>
        double.TryParse(r[column], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
}
