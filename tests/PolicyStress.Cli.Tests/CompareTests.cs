using PolicyStress.Cli.Compare;
using PolicyStress.Cli.ConsoleUi;
using PolicyStress.Harness.Results;
using Spectre.Console;

namespace PolicyStress.Cli.Tests;

public sealed class CompareTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policystress-compare-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One rep of a configuration; everything not given is a plausible constant.</summary>
    private static ResultRow Row(string scheme, int tasks, double faultsPerSec, int rep = 1, string workload = "pft",
        double latP99 = 500, long findings = 0, bool auditFailed = false, string host = "vm", string commit = "aaaaaaaaaaaa")
    {
        var r = new ResultRow();
        r.Set("schema_version", CsvSchema.Version);
        r["utc_start"] = "2026-11-26T12:00:00Z";
        r["git_commit"] = commit;
        r.Set("git_dirty", false);
        r["host"] = host;
        r["os"] = "Linux";
        r["kernel_release"] = "6.18.0";
        r["cpu_model"] = "Test CPU";
        r.Set("logical_cpus", 2);
        r.Set("topology_nodes", 1);
        r["workload"] = workload;
        r["scheme"] = scheme;
        r["sp_lock"] = "rwlock";
        r["bugs"] = "none";
        r.Set("tasks", tasks);
        r.Set("threads_per_mm", 1);
        r["placement"] = "spread";
        r.Set("rep", rep);
        r.Set("mbind_rate", 2000);
        r.Set("pages_per_task", 256);
        r.Set("faults_per_s", faultsPerSec);
        r.Set("lat_p99_ns", latP99);
        r.Set("findings", findings);
        r.Set("claims_safety", true);
        r.Set("audit_failed", auditFailed);
        return r;
    }

    private string Write(string name, params ResultRow[] rows)
    {
        string path = Path.Combine(_dir, name);
        using var w = new CsvResultWriter(path);
        foreach (var r in rows) w.Append(r);
        return w.Complete()!;
    }

    private CompareReport Compare(ResultRow[] baseRows, ResultRow[] newRows, string threshold = "5%", string metric = "faults_per_s") =>
        ResultComparer.Compare(ResultFile.Load(Write("base.csv", baseRows)), ResultFile.Load(Write("new.csv", newRows)),
            ResultComparer.Settings(threshold, metric));

    private static ConfigComparison Config(CompareReport r, string scheme, int tasks, string workload = "pft") =>
        r.Configs.Single(c => c.Key.Scheme == scheme && c.Key.Tasks == tasks.ToString() && c.Key.Workload == workload);

    [Fact]
    public void JoinsOnTheConfigurationAndTakesTheMedianOfReps()
    {
        var report = Compare(
            [Row("lookup", 1, 100, rep: 1), Row("lookup", 1, 300, rep: 2), Row("lookup", 1, 200, rep: 3), Row("lookup", 2, 50)],
            [Row("lookup", 2, 50), Row("lookup", 1, 400, rep: 1), Row("lookup", 1, 500, rep: 2)]);
        Assert.Equal(2, report.Configs.Count);
        var c = Config(report, "lookup", 1);
        Assert.Equal(new RepStats(200, 100, 300, 3), c.Base!.Value);
        Assert.Equal(new RepStats(450, 400, 500, 2), c.New!.Value);   // even count: mean of the middle two
        Assert.Equal(2.25, c.Ratio!.Value, 9);
        Assert.Equal(Verdict.Faster, c.Verdict);                    // 300 < 400: the ranges do not overlap
        Assert.Equal(Verdict.Same, Config(report, "lookup", 2).Verdict);
        Assert.Equal(0, report.ExitCode);
    }

    [Fact]
    public void OtherKeyColumnsSeparateConfigurations()
    {
        var otherLock = Row("lookup", 1, 100);
        otherLock["sp_lock"] = "snapshot";
        var otherPages = Row("lookup", 1, 100);
        otherPages.Set("pages_per_task", 512);
        var report = Compare([Row("lookup", 1, 100), otherLock, otherPages], [Row("lookup", 1, 100), otherLock, otherPages]);
        Assert.Equal(3, report.Configs.Count);
        Assert.All(report.Configs, c => Assert.Equal(Verdict.Same, c.Verdict));
    }

    [Theory]
    [InlineData(104, "5%", "same")]
    [InlineData(106, "5%", "likelyfaster")]
    [InlineData(94, "5%", "likelyslower")]
    [InlineData(96, "5%", "same")]
    [InlineData(104, "0%", "likelyfaster")]
    [InlineData(80, "25", "same")]
    [InlineData(100, "0%", "same")]
    public void SingleRepsOnlyHintBeyondTheThreshold(double newValue, string threshold, string expected)
    {
        var report = Compare([Row("lookup", 1, 100)], [Row("lookup", 1, newValue)], threshold);
        Assert.Equal(Enum.Parse<Verdict>(expected, ignoreCase: true), report.Configs.Single().Verdict);
        Assert.Equal(0, report.ExitCode);   // one rep shows no noise: a hint never fails a comparison
    }

    [Theory]
    [InlineData(106, 107, "faster")]
    [InlineData(93, 94, "slower")]
    [InlineData(98, 110, "same")]
    public void RepeatedRunsDecideByThresholdAndRanges(double new1, double new2, string expected)
    {
        var report = Compare([Row("lookup", 1, 99, rep: 1), Row("lookup", 1, 101, rep: 2)],
                             [Row("lookup", 1, new1, rep: 1), Row("lookup", 1, new2, rep: 2)]);
        Assert.Equal(Enum.Parse<Verdict>(expected, ignoreCase: true), report.Configs.Single().Verdict);
        Assert.Equal(expected == "slower" ? 1 : 0, report.ExitCode);
    }

    [Fact]
    public void OverlappingRangesAreTheSameWhateverTheMedians()
    {
        // Medians 100 and 130 (30% apart) but 120 in base reaches 110 in new: noise, not a change.
        var report = Compare([Row("lookup", 1, 80, rep: 1), Row("lookup", 1, 120, rep: 2)],
                             [Row("lookup", 1, 110, rep: 1), Row("lookup", 1, 150, rep: 2)]);
        Assert.Equal(Verdict.Same, report.Configs.Single().Verdict);
        // One rep on a side: no range to trust, so beyond the threshold it is only a hint.
        report = Compare([Row("lookup", 1, 100)], [Row("lookup", 1, 110, rep: 1), Row("lookup", 1, 150, rep: 2)]);
        Assert.Equal(Verdict.LikelyFaster, report.Configs.Single().Verdict);
    }

    [Fact]
    public void RowsOnOneSideAreListedAsSuch()
    {
        var report = Compare([Row("lookup", 1, 100), Row("vma-held", 1, 100)], [Row("lookup", 1, 100), Row("none", 2, 100, workload: "wis")]);
        var onlyBase = Config(report, "vma-held", 1);
        Assert.Equal(Verdict.OnlyInBase, onlyBase.Verdict);
        Assert.Null(onlyBase.New);
        Assert.Null(onlyBase.Ratio);
        var onlyNew = Config(report, "none", 2, "wis");
        Assert.Equal(Verdict.OnlyInNew, onlyNew.Verdict);
        Assert.Null(onlyNew.Base);
        Assert.Equal(["pft", "pft", "wis"], report.Configs.Select(c => c.Key.Workload));
        Assert.Equal(0, report.ExitCode);   // a configuration that vanished is shown, not a failure
    }

    [Fact]
    public void LatencyColumnsInvertTheVerdict()
    {
        var report = Compare([Row("lookup", 1, 100, latP99: 500), Row("lookup", 1, 100, rep: 2, latP99: 510),
                              Row("none", 1, 100, latP99: 500), Row("none", 1, 100, rep: 2, latP99: 510)],
                             [Row("lookup", 1, 100, latP99: 1000), Row("lookup", 1, 100, rep: 2, latP99: 1010),
                              Row("none", 1, 100, latP99: 250), Row("none", 1, 100, rep: 2, latP99: 260)], metric: "lat_p99_ns");
        Assert.True(report.Settings.LowerIsBetter);
        Assert.Equal(Verdict.Slower, Config(report, "lookup", 1).Verdict);   // latency doubled
        Assert.Equal(Verdict.Faster, Config(report, "none", 1).Verdict);     // latency halved
        Assert.Equal(1, report.ExitCode);
        Assert.False(ResultComparer.Settings("5%", "faults_per_cpu_s").LowerIsBetter);
        Assert.True(ResultComparer.Settings("5%", "wait_mean_us").LowerIsBetter);
    }

    [Fact]
    public void EmptyMetricCellsGiveNoValueAndZeroBasesDoNotDivide()
    {
        var report = Compare([Row("lookup", 1, 100)], [Row("lookup", 1, 100)], metric: "wait_mean_us");   // empty in both
        Assert.Equal(Verdict.NoValue, report.Configs.Single().Verdict);
        report = Compare([Row("lookup", 1, 0)], [Row("lookup", 1, 0)]);
        Assert.Equal((1.0, Verdict.Same), (report.Configs.Single().Ratio, report.Configs.Single().Verdict));
        report = Compare([Row("lookup", 1, 0)], [Row("lookup", 1, 5)]);
        Assert.Equal((double.PositiveInfinity, Verdict.LikelyFaster), (report.Configs.Single().Ratio, report.Configs.Single().Verdict));
    }

    [Fact]
    public void FindingsAreSummedAndANewAuditFailureFails()
    {
        var report = Compare([Row("vma-held", 1, 100, findings: 2), Row("lookup", 1, 100)],
                             [Row("vma-held", 1, 100, findings: 3, rep: 1), Row("vma-held", 1, 100, findings: 4, rep: 2),
                              Row("lookup", 1, 100, findings: 1, auditFailed: true)]);
        var v = Config(report, "vma-held", 1);
        Assert.Equal((2L, 7L), (v.Base!.Findings, v.New!.Findings));
        Assert.True(Config(report, "lookup", 1).New!.AuditFailed);
        Assert.Equal(Verdict.Same, Config(report, "lookup", 1).Verdict);
        Assert.Equal(1, report.NewAuditFailures);
        Assert.Equal(1, report.ExitCode);
        // A failure in base only is history, not this change's doing.
        report = Compare([Row("lookup", 1, 100, findings: 1, auditFailed: true)], [Row("lookup", 1, 100)]);
        Assert.Equal(0, report.ExitCode);
    }

    [Fact]
    public void ProvenanceComesFromTheFirstRow()
    {
        var report = Compare([Row("lookup", 1, 100, commit: "111111111111")], [Row("lookup", 1, 100, host: "big", commit: "222222222222")]);
        Assert.Equal(("111111111111", "vm", "Test CPU", "2", "6.18.0", 1), (report.Base.GitCommit, report.Base.Host, report.Base.CpuModel,
            report.Base.LogicalCpus, report.Base.KernelRelease, report.Base.Rows));
        Assert.Equal("222222222222", report.New.GitCommit);
        Assert.True(report.HostsDiffer);
        Assert.False(report.CpuModelsDiffer);
    }

    [Fact]
    public void RenderingShowsProvenanceVerdictsFindingsAndTheHostWarning()
    {
        var report = Compare([Row("lookup", 1, 100), Row("lookup", 1, 101, rep: 2), Row("vma-held", 1, 100)],
                             [Row("lookup", 1, 50, findings: 1, auditFailed: true, host: "big"), Row("lookup", 1, 51, rep: 2, host: "big"),
                              Row("none", 1, 100, host: "big")]);
        var w = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(w), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 160;
        CompareTable.Write(console, report);
        string text = w.ToString();
        Assert.StartsWith("base: ", text);
        Assert.Contains("commit aaaaaaaaaaaa, host vm, Test CPU, 2 logical CPUs, kernel 6.18.0; 3 rows", text);
        Assert.Contains("warning: different hosts (vm vs big)", text);
        Assert.Contains("0.50x", text);
        Assert.Contains("slower", text);
        Assert.Contains("only in base", text);
        Assert.Contains("only in new", text);
        Assert.Contains("0 → 1 AUDIT FAILED", text);
        Assert.Contains("compare: 3 configurations: 0 faster, 1 slower, 0 same, 1 only in base, 1 only in new; 1 failed their audit in new (exit 1)", text);
        report = Compare([Row("lookup", 1, 100)], [Row("lookup", 1, 50)]);
        w = new StringWriter();
        console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(w), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 160;
        CompareTable.Write(console, report);
        Assert.Contains("slower?", w.ToString());
        Assert.Contains("0 faster? and 1 slower? on single reps (use --reps 3 to decide)", w.ToString());
    }

    [Fact]
    public void ExitCodeIsOneOnlyForASlowdownBeyondTheThreshold()
    {
        string a = Write("a.csv", Row("lookup", 1, 100), Row("lookup", 1, 101, rep: 2));
        string same = Write("same.csv", Row("lookup", 1, 102), Row("lookup", 1, 100, rep: 2));
        string slower = Write("slower.csv", Row("lookup", 1, 50), Row("lookup", 1, 51, rep: 2));
        string single = Write("single.csv", Row("lookup", 1, 50));
        Assert.Equal(0, Program.Main(["compare", a, single]));   // one rep: "slower?" is a hint, not a failure
        Assert.Equal(0, Program.Main(["compare", a, same]));
        Assert.Equal(0, Program.Main(["compare", slower, a]));
        Assert.Equal(1, Program.Main(["compare", a, slower]));
        Assert.Equal(0, Program.Main(["compare", a, slower, "--threshold", "60%"]));
        Assert.Equal(1, Program.Main(["compare", a, slower, "--metric", "faults_per_s", "--threshold", "10"]));
    }

    [Theory]
    [InlineData("--threshold", "x")]
    [InlineData("--threshold", "-5%")]
    [InlineData("--metric", "scheme")]
    [InlineData("--metric", "no_such_column")]
    public void BadOptionIsExitCode2(string option, string value)
    {
        string a = Write("a.csv", Row("lookup", 1, 100));
        Assert.Equal(2, Program.Main(["compare", a, a, option, value]));
    }

    [Theory]
    [InlineData("x", "faults_per_s", "--threshold: 'x' is not a percentage")]
    [InlineData("-5%", "faults_per_s", "--threshold: '-5%' is not a percentage")]
    [InlineData("5%", "scheme", "--metric: 'scheme' is not a numeric column")]
    [InlineData("5%", "no_such_column", "--metric: 'no_such_column' is not a numeric column")]
    public void BadSettingsAreUsageErrors(string threshold, string metric, string message)
        => Assert.StartsWith(message, Assert.Throws<UsageException>(() => ResultComparer.Settings(threshold, metric)).Message);

    [Fact]
    public void MissingFileOrArgumentIsExitCode2()
    {
        string a = Write("a.csv", Row("lookup", 1, 100));
        Assert.Equal(2, Program.Main(["compare", a, Path.Combine(_dir, "nope.csv")]));
        Assert.Equal(2, Program.Main(["compare", a]));
        var e = Assert.Throws<UsageException>(() => ResultFile.Load(Path.Combine(_dir, "nope.csv")));
        Assert.Equal($"{Path.Combine(_dir, "nope.csv")}: no such file", e.Message);
    }

    [Fact]
    public void OtherSchemaVersionIsAUsageErrorNamingTheFile()
    {
        // A version-1 file: an older header (no still_waiting...) and 1 in the first column.
        string v1 = Path.Combine(_dir, "v1.csv");
        var oldColumns = CsvSchema.Columns.Select(c => c.Name).Where(n => n is not ("still_waiting" or "waited" or "wait_mean_us" or "wait_max_us"));
        var row = Row("lookup", 1, 100);
        row.Set("schema_version", 1);
        File.WriteAllText(v1, string.Join(',', oldColumns) + "\n" + CsvFormat.Line(row.Values.Take(oldColumns.Count())) + "\n");
        var e = Assert.Throws<UsageException>(() => ResultFile.Load(v1));
        Assert.Equal($"{v1}: result schema version 1; this policystress reads version {CsvSchema.Version} only (results/README.md)", e.Message);
        string a = Write("a.csv", Row("lookup", 1, 100));
        Assert.Equal(2, Program.Main(["compare", a, v1]));
        Assert.Equal(2, Program.Main(["compare", v1, a]));
    }

    [Fact]
    public void MalformedFilesAreUsageErrorsNamingTheFile()
    {
        string notCsv = Path.Combine(_dir, "notes.csv");
        File.WriteAllText(notCsv, "hello\n");
        Assert.StartsWith($"{notCsv}: header does not match", Assert.Throws<UsageException>(() => ResultFile.Load(notCsv)).Message);

        string shortRow = Path.Combine(_dir, "short.csv");
        File.WriteAllText(shortRow, CsvSchema.Header + $"\n{CsvSchema.Version},x\n");
        Assert.StartsWith($"{shortRow}: row 1 has 2 fields", Assert.Throws<UsageException>(() => ResultFile.Load(shortRow)).Message);

        string headerOnly = Path.Combine(_dir, "empty.csv");
        File.WriteAllText(headerOnly, CsvSchema.Header + "\n");
        Assert.Equal($"{headerOnly}: no result rows (only a header)", Assert.Throws<UsageException>(() => ResultFile.Load(headerOnly)).Message);

        var bad = Row("lookup", 1, 100);
        bad["faults_per_s"] = "fast";
        string badValue = Write("bad.csv", bad);
        string good = Write("good.csv", Row("lookup", 1, 100));
        var e = Assert.Throws<UsageException>(() =>
            ResultComparer.Compare(ResultFile.Load(good), ResultFile.Load(badValue), ResultComparer.Settings("5%", "faults_per_s")));
        Assert.Equal($"{badValue}: row 1: faults_per_s 'fast' is not a number", e.Message);
        Assert.Equal(2, Program.Main(["compare", good, badValue]));
    }

    [Fact]
    public void MetricColumnsAreTheSchemasNumericOnes()
    {
        Assert.All(MetricColumns.NotNumeric, n => Assert.Contains(n, CsvSchema.Columns.Select(c => c.Name)));
        Assert.Contains("faults_per_s", MetricColumns.All);
        Assert.Contains("lat_p999_ns", MetricColumns.All);
        Assert.Contains("hugetlb_max_ns", MetricColumns.All);
        Assert.DoesNotContain("observed_cpus", MetricColumns.All);
    }

    [Fact]
    public void MedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes()
    {
        Assert.Equal(2, ResultComparer.Median([3, 1, 2]));
        Assert.Equal(2.5, ResultComparer.Median([4, 1, 3, 2]));
        Assert.Equal(7, ResultComparer.Median([7]));
    }
}
