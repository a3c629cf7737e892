using System.Globalization;
using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Compare;

/// <summary>
/// Joins two result files on <see cref="ConfigKey"/> and decides, per configuration, whether the metric's
/// median across reps moved by more than the threshold. Pure: rows in, a <see cref="CompareReport"/> out.
/// </summary>
internal static class ResultComparer
{
    /// <summary>Parse <c>--threshold</c> ("5%", or a bare number of percent) and <c>--metric</c>.</summary>
    public static CompareSettings Settings(string threshold, string metric)
    {
        string t = threshold.Trim();
        if (t.EndsWith('%')) t = t[..^1];
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double pct) || pct < 0 || !double.IsFinite(pct))
            throw new UsageException($"--threshold: '{threshold}' is not a percentage; accepted: e.g. 5%, 2.5%, 0%");
        if (!MetricColumns.IsNumeric(metric))
            throw new UsageException($"--metric: '{metric}' is not a numeric column of result schema {CsvSchema.Version}; " +
                                     "accepted: e.g. faults_per_s, faults_per_cpu_s, lat_p99_ns (results/README.md lists the columns)");
        return new CompareSettings(metric, pct / 100);
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
        return new CompareReport(s, Provenance(baseFile), Provenance(newFile), configs);
    }

    public static ConfigKey Key(ResultRow r) => new(
        r["workload"], r["scheme"], r["sp_lock"], r["bugs"], r["tasks"], r["threads_per_mm"],
        r["placement"], r["topology_nodes"], r["pages_per_task"], r["mbind_rate"]);

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var v = values.Order().ToArray();
        int m = v.Length / 2;
        return v.Length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /// <summary>The verdict for two sides that both have values.</summary>
    public static (double Ratio, Verdict Verdict) Decide(RepStats b, RepStats n, CompareSettings s)
    {
        double ratio = b.Median != 0 ? n.Median / b.Median : n.Median == 0 ? 1 : double.PositiveInfinity;
        bool beyond = Math.Abs(ratio - 1) > s.Threshold;
        // With two reps or more on each side the ranges show the noise: overlapping ranges are no change.
        bool overlap = b.Reps >= 2 && n.Reps >= 2 && b.Min <= n.Max && n.Min <= b.Max;
        if (!beyond || overlap) return (ratio, Verdict.Same);
        bool better = s.LowerIsBetter ? n.Median < b.Median : n.Median > b.Median;
        if (b.Reps < 2 || n.Reps < 2) return (ratio, better ? Verdict.LikelyFaster : Verdict.LikelySlower);
        return (ratio, better ? Verdict.Faster : Verdict.Slower);
    }

    private static ConfigComparison Join(ConfigKey key, SideSummary? b, SideSummary? n, CompareSettings s)
    {
        if (b is null) return new(key, null, n, null, Verdict.OnlyInNew);
        if (n is null) return new(key, b, null, null, Verdict.OnlyInBase);
        if (b.Value is null || n.Value is null) return new(key, b, n, null, Verdict.NoValue);
        var (ratio, verdict) = Decide(b.Value, n.Value, s);
        return new(key, b, n, ratio, verdict);
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
            var values = new List<double>();
            long findings = 0;
            bool failed = false;
            foreach (int i in indexes)
            {
                if (Number(f, i, metric) is { } v) values.Add(v);
                findings += (long)(Number(f, i, "findings") ?? 0);
                failed |= Bool(f, i, "audit_failed");
            }
            var stats = values.Count == 0 ? null : new RepStats(Median(values), values.Min(), values.Max(), values.Count);
            result[k] = new SideSummary(stats, findings, failed, indexes.Count);
        }
        return result;
    }

    /// <summary>A numeric cell; null when empty (or not finite). Anything else is a malformed file.</summary>
    private static double? Number(ResultFile f, int row, string column)
    {
        string text = f.Rows[row][column];
        if (text.Length == 0) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw new UsageException($"{f.Path}: row {row + 1}: {column} '{text}' is not a number");
        return double.IsFinite(v) ? v : null;
    }

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
