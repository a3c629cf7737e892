using System.Globalization;
using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Compare;

/// <summary>
/// Joins two result files on <see cref="ConfigKey"/>, gathers each side's samples of the metric and lets
/// <see cref="SampleTest"/> decide. Pure: rows in, a <see cref="CompareReport"/> out.
/// </summary>
internal static class ResultComparer
{
    /// <summary>Parse <c>--threshold</c> ("5%", or a bare number of percent), <c>--noise</c> ("1ns") and <c>--metric</c>.</summary>
    public static CompareSettings Settings(string threshold, string metric, string noise = "1ns")
    {
        string t = threshold.Trim();
        if (t.EndsWith('%')) t = t[..^1];
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double pct) || pct < 0 || !double.IsFinite(pct))
            throw new UsageException($"--threshold: '{threshold}' is not a percentage; accepted: e.g. 5%, 2.5%, 0%");
        string z = noise.Trim();
        if (z.EndsWith("ns", StringComparison.Ordinal)) z = z[..^2];
        if (!double.TryParse(z, NumberStyles.Float, CultureInfo.InvariantCulture, out double ns) || ns < 0 || !double.IsFinite(ns))
            throw new UsageException($"--noise: '{noise}' is not a time in nanoseconds; accepted: e.g. 1ns, 0.3ns, 0");
        if (!MetricColumns.IsNumeric(metric))
            throw new UsageException($"--metric: '{metric}' is not a numeric column of result schema {CsvSchema.Version}; " +
                                     "accepted: e.g. faults_per_s, faults_per_cpu_s, lat_p99_ns (results/README.md lists the columns)");
        return new CompareSettings(metric, pct / 100, ns);
    }

    public static CompareReport Compare(ResultFile baseFile, ResultFile newFile, CompareSettings s)
    {
        var baseGroups = Group(baseFile, s.Metric);
        var newGroups = Group(newFile, s.Metric);
        // Base file's order, then configurations only the new file has, in its order.
        var keys = baseGroups.Keys.Concat(newGroups.Keys.Where(k => !baseGroups.ContainsKey(k)));
        var configs = keys.Select(k => Join(k, baseGroups.GetValueOrDefault(k), newGroups.GetValueOrDefault(k), s)).ToList();
        // One table per workload: keep a workload's configurations together, workloads in first-seen order.
        var workloads = configs.Select(c => c.Key.Workload).Distinct().ToList();
        configs = [.. configs.OrderBy(c => workloads.IndexOf(c.Key.Workload))];   // OrderBy is stable
        return new CompareReport(s, Provenance(baseFile), Provenance(newFile), Warnings(baseFile, newFile), configs);
    }

    public static ConfigKey Key(ResultRow r) => new([.. CompareColumns.Key.Select(c => r[c])]);

    /// <summary>One line per meaning-changing setting whose values differ between the files.</summary>
    public static List<string> Warnings(ResultFile b, ResultFile n)
    {
        var lines = new List<string>();
        foreach (var (column, what) in CompareColumns.Meaning)
        {
            var vb = b.Rows.Select(r => Shown(r[column])).Distinct().Order(StringComparer.Ordinal).ToList();
            var vn = n.Rows.Select(r => Shown(r[column])).Distinct().Order(StringComparer.Ordinal).ToList();
            if (!vb.SequenceEqual(vn))
                lines.Add($"warning: different {what} ({column}: base {string.Join(", ", vb)}; new {string.Join(", ", vn)}): " +
                          "the numbers do not mean the same thing");
        }
        return lines;
    }

    /// <summary>A cell as a warning shows it: numbers without the file's fixed-point zeros ("2", not "2.000000").</summary>
    private static string Shown(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v.ToString("0.######", CultureInfo.InvariantCulture) : cell;

    private static ConfigComparison Join(ConfigKey key, SideSummary? b, SideSummary? n, CompareSettings s)
    {
        if (b is null) return new(key, null, n, null, Verdict.OnlyInNew, "");
        if (n is null) return new(key, b, null, null, Verdict.OnlyInBase, "");
        if (b.Values.Length == 0 || n.Values.Length == 0) return new(key, b, n, null, Verdict.NoValue, "");
        var (effect, verdict, note) = SampleTest.Decide(b.Values, n.Values, s);
        return new(key, b, n, effect, verdict, note);
    }

    private static Dictionary<ConfigKey, SideSummary> Group(ResultFile f, string metric)
    {
        var groups = new Dictionary<ConfigKey, List<int>>();   // insertion order is kept while nothing is removed
        for (int i = 0; i < f.Rows.Count; i++)
        {
            var k = Key(f.Rows[i]);
            if (!groups.TryGetValue(k, out var list)) groups[k] = list = [];
            list.Add(i);
        }
        var result = new Dictionary<ConfigKey, SideSummary>();
        foreach (var (k, indexes) in groups)
        {
            long findings = 0;
            bool failed = false;
            foreach (int i in indexes)
            {
                findings += (long)(Number(f, i, "findings") ?? 0);
                failed |= Bool(f, i, "audit_failed");
            }
            var (values, source) = Samples(f, indexes, metric);
            result[k] = new SideSummary(values, source, findings, failed, indexes.Count);
        }
        return result;
    }

    /// <summary>
    /// One value per rep; when that gives fewer than <see cref="SampleTest.MinSamples"/> and the metric has
    /// per-interval rates, every interval of every rep instead. An interval is scaled by its row's metric over
    /// the mean of the row's intervals: the row's figure stays the figure of record, its intervals supply the
    /// spread around it (for a row as written the factor is within rounding of 1).
    /// </summary>
    private static (double[] Values, SampleSource Source) Samples(ResultFile f, List<int> rows, string metric)
    {
        var reps = rows.Select(i => Number(f, i, metric)).OfType<double>().ToArray();
        if (reps.Length >= SampleTest.MinSamples || metric != CompareColumns.IntervalMetric)
            return (reps, SampleSource.Reps);
        var intervals = new List<double>();
        foreach (int i in rows)
        {
            if (Number(f, i, metric) is not { } value) continue;
            var each = Numbers(f, i, CompareColumns.Intervals);
            double mean = each.Length > 0 ? each.Average() : 0;
            if (mean > 0) intervals.AddRange(each.Select(v => v * value / mean));
            else intervals.Add(value);
        }
        return intervals.Count > reps.Length ? ([.. intervals], SampleSource.Intervals) : (reps, SampleSource.Reps);
    }

    /// <summary>A numeric cell; null when empty (or not finite). Anything else is a malformed file.</summary>
    private static double? Number(ResultFile f, int row, string column)
    {
        string text = f.Rows[row][column];
        if (text.Length == 0) return null;
        return Parse(f, row, column, text) is var v && double.IsFinite(v) ? v : null;
    }

    /// <summary>A ':'-separated list of numbers; empty when the cell is.</summary>
    private static double[] Numbers(ResultFile f, int row, string column)
    {
        string text = f.Rows[row][column];
        return text.Length == 0 ? [] : [.. text.Split(':').Select(t => Parse(f, row, column, t))];
    }

    private static double Parse(ResultFile f, int row, string column, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : throw new UsageException($"{f.Path}: row {row + 1}: {column} '{text}' is not a number");

    private static bool Bool(ResultFile f, int row, string column) => f.Rows[row][column] switch
    {
        "true" => true,
        "false" => false,
        var text => throw new UsageException($"{f.Path}: row {row + 1}: {column} '{text}' is not true or false"),
    };

    private static FileProvenance Provenance(ResultFile f)
    {
        var r = f.Rows[0];
        return new FileProvenance(f.Path, r["git_commit"], r.GetBool("git_dirty"), r["host"], r["cpu_model"],
            r["logical_cpus"], r["kernel_release"], f.Rows.Count);
    }
}
