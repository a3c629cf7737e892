using PolicyStress.Cli.Compare;
using PolicyStress.Cli.ConsoleUi;
using PolicyStress.Harness.Results;
using Spectre.Console;

namespace PolicyStress.Cli.Tests;

public sealed class CompareTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policystress-compare-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ResultRow Row(string scheme, int tasks, double faultsPerSec, int rep = 1, string workload = "pft",
        double latP99 = 500, long findings = 0, bool auditFailed = false, string host = "vm", string commit = "aaaaaaaaaaaa",
        double[]? intervals = null) =>
        TestRows.Row(scheme, tasks, faultsPerSec, rep, workload, latP99, findings, auditFailed, host, commit, intervals);

    private string Write(string name, params ResultRow[] rows) => TestRows.Write(_dir, name, rows);

    private CompareReport Compare(ResultRow[] baseRows, ResultRow[] newRows, string threshold = "5%", string metric = "faults_per_s",
        string noise = "1ns") =>
        ResultComparer.Compare(ResultFile.Load(Write("base.csv", baseRows)), ResultFile.Load(Write("new.csv", newRows)),
            ResultComparer.Settings(threshold, metric, noise));

    /// <summary>A deterministic sample around <paramref name="center"/>: n values spread ±spread (relative), no two equal.</summary>
    private static double[] Around(double center, int n = 8, double spread = 0.01) =>
        [.. Enumerable.Range(0, n).Select(i => center * (1 + spread * ((i * 7 % n) - (n - 1) / 2.0) / ((n - 1) / 2.0)))];

    /// <summary>One rep with its intervals; faults_per_s is their mean, as a run writes it.</summary>
    private static ResultRow WithIntervals(string scheme, int tasks, double[] intervals, int rep = 1) =>
        Row(scheme, tasks, intervals.Average(), rep, intervals: intervals);

    private static CompareSettings Rates(string threshold = "5%") => ResultComparer.Settings(threshold, "faults_per_s");

    private static string Render(CompareReport report)
    {
        var w = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(w), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 220;
        CompareTable.Write(console, report);
        return w.ToString();
    }

    private static ConfigComparison Config(CompareReport r, string scheme, int tasks, string workload = "pft") =>
        r.Configs.Single(c => c.Key.Scheme == scheme && c.Key.Tasks == tasks.ToString() && c.Key.Workload == workload);

    [Theory]
    [InlineData(1.10, "faster")]
    [InlineData(0.90, "slower")]
    [InlineData(1.02, "same")]
    [InlineData(0.98, "same")]
    [InlineData(1.00, "same")]
    public void SyntheticSamplesAreDecidedByTheEquivalenceTest(double factor, string expected)
    {
        double[] b = Around(1e7), n = [.. Around(1e7).Reverse().Select(v => v * factor)];
        var (effect, verdict, note) = SampleTest.Decide(b, n, Rates());
        Assert.Equal(Enum.Parse<Verdict>(expected, ignoreCase: true), verdict);
        Assert.Equal(factor, effect.Ratio, 2);
        Assert.True(effect.Lower <= effect.Ratio && effect.Ratio <= effect.Upper);
        Assert.Equal("", note);
    }

    [Fact]
    public void FewerThanFiveSamplesNeverDecide()
    {
        // Fully separated 4 against 4, 20% apart: still no verdict.
        var (effect, verdict, note) = SampleTest.Decide(Around(100, 4), Around(80, 4), Rates());
        Assert.Equal(Verdict.Undecided, verdict);
        Assert.Equal("needs ≥ 5 samples (base 4, new 4)", note);
        Assert.Equal(0.8, effect.Ratio, 2);
        // Five a side is enough.
        Assert.Equal(Verdict.Slower, SampleTest.Decide(Around(100, 5), Around(80, 5), Rates()).Verdict);
    }

    [Fact]
    public void LatenciesInvertTheDirection()
    {
        var s = ResultComparer.Settings("5%", "lat_p99_ns");
        Assert.True(s.LowerIsBetter);
        Assert.Equal(Verdict.Slower, SampleTest.Decide(Around(500), Around(1000), s).Verdict);
        Assert.Equal(Verdict.Faster, SampleTest.Decide(Around(500), Around(250), s).Verdict);
        Assert.False(ResultComparer.Settings("5%", "faults_per_cpu_s").LowerIsBetter);
        Assert.True(ResultComparer.Settings("5%", "wait_mean_us").LowerIsBetter);
    }

    [Fact]
    public void NoisySamplesAreUndecidedNotSame()
    {
        // ±30% noise, medians 3% apart: no significant change, but the CI is far wider than ±5%.
        var (effect, verdict, note) = SampleTest.Decide(Around(100, 6, 0.3), Around(103, 6, 0.3), Rates());
        Assert.Equal(Verdict.Undecided, verdict);
        Assert.StartsWith("95% CI wider than ±5%", note);
        Assert.True(effect.Lower < 0.95 && effect.Upper > 1.05);
    }

    [Fact]
    public void TheNoiseFloorKeepsTinySignificantChangesSame()
    {
        // 10 faults/ns against 11: 10% faster, but 0.1 ns - 0.09 ns per fault is below a 0.05 ns floor only.
        double[] b = Around(1e10), n = Around(1.1e10);
        Assert.Equal(Verdict.Faster, SampleTest.Decide(b, n, ResultComparer.Settings("5%", "faults_per_s", "0.001ns")).Verdict);
        var (_, verdict, note) = SampleTest.Decide(b, n, ResultComparer.Settings("5%", "faults_per_s", "0.05ns"));
        Assert.Equal(Verdict.Same, verdict);
        Assert.Equal("below the 0.05 ns noise floor", note);
    }

    [Fact]
    public void BimodalSidesGetAnMValueNote()
    {
        double[] bimodal = [.. Around(100, 10, 0.01), .. Around(150, 10, 0.01)];
        string note = SampleTest.Modality("new", bimodal);
        Assert.Matches(@"^new (bimodal|multimodal) \(mvalue \d\.\d\)$", note);
        Assert.Equal("", SampleTest.Modality("base", Around(100, 20)));
        Assert.Equal("", SampleTest.Modality("base", bimodal[..11]));   // too few values to read modes from
        Assert.Contains("new ", SampleTest.Decide(Around(125, 20, 0.2), bimodal, Rates()).Note);
    }

    [Fact]
    public void IntervalsAreTheSamplesWhenRepsAreFew()
    {
        var report = Compare([WithIntervals("lookup", 1, Around(1e7, 5))], [WithIntervals("lookup", 1, Around(1e7, 5))]);
        var c = report.Configs.Single();
        Assert.Equal((SampleSource.Intervals, 5), (c.Base!.Source, c.Base.Values.Length));
        Assert.Equal(Verdict.Same, c.Verdict);
        Assert.Equal(0, report.ExitCode);
        // Two reps of three intervals pool to six.
        report = Compare([WithIntervals("lookup", 1, Around(1e7, 3)), WithIntervals("lookup", 1, Around(1e7, 3), rep: 2)],
                         [WithIntervals("lookup", 1, Around(1e7, 3)), WithIntervals("lookup", 1, Around(1e7, 3), rep: 2)]);
        Assert.Equal(6, report.Configs.Single().New!.Values.Length);
        // Five reps or more are the samples themselves; other metrics have no intervals.
        var reps = Enumerable.Range(1, 5).Select(r => WithIntervals("lookup", 1, Around(1e7 + r, 5), rep: r)).ToArray();
        report = Compare(reps, reps);
        Assert.Equal((SampleSource.Reps, 5), (report.Configs.Single().Base!.Source, report.Configs.Single().Base!.Values.Length));
        report = Compare([WithIntervals("lookup", 1, Around(1e7, 5))], [WithIntervals("lookup", 1, Around(1e7, 5))], metric: "lat_p99_ns");
        Assert.Equal((SampleSource.Reps, Verdict.Undecided), (report.Configs.Single().Base!.Source, report.Configs.Single().Verdict));
    }

    [Fact]
    public void ACopyWithOneConfigurationScaledByPointEightIsSlowerForItAlone()
    {
        // What a user does to check the gate: copy a run and scale one row's faults_per_s cell (not its intervals).
        ResultRow[] run = [WithIntervals("lookup", 1, Around(1.5e7, 5)), WithIntervals("none", 1, Around(2e7, 5)),
                           WithIntervals("lookup", 2, Around(1.4e7, 5))];
        var copy = run.Select(r => { var c = new ResultRow(); for (int i = 0; i < r.Values.Count; i++) c[CsvSchema.Columns[i].Name] = r.Values[i]; return c; }).ToArray();
        copy[1].Set("faults_per_s", copy[1].GetDouble("faults_per_s") * 0.8);
        var report = Compare(run, copy);
        Assert.Equal(Verdict.Slower, Config(report, "none", 1).Verdict);
        Assert.Equal(0.8, Config(report, "none", 1).Effect!.Ratio, 3);
        Assert.Equal(Verdict.Same, Config(report, "lookup", 1).Verdict);
        Assert.Equal(Verdict.Same, Config(report, "lookup", 2).Verdict);
        Assert.Equal(1, report.ExitCode);
        Assert.Equal(0, Compare(run, run).ExitCode);
    }

    [Fact]
    public void JoinsOnTheConfiguration()
    {
        var otherLock = WithIntervals("lookup", 1, Around(100, 5));
        otherLock["sp_lock"] = "snapshot";
        var otherPages = WithIntervals("lookup", 1, Around(100, 5));
        otherPages.Set("pages_per_task", 512);
        ResultRow[] rows = [WithIntervals("lookup", 1, Around(100, 5)), otherLock, otherPages];
        var report = Compare(rows, rows);
        Assert.Equal(3, report.Configs.Count);
        Assert.All(report.Configs, c => Assert.Equal(Verdict.Same, c.Verdict));
    }

    [Fact]
    public void RowsOnOneSideAreListedAsSuch()
    {
        var report = Compare([Row("lookup", 1, 100), Row("vma-held", 1, 100)], [Row("lookup", 1, 100), Row("none", 2, 100, workload: "wis")]);
        var onlyBase = Config(report, "vma-held", 1);
        Assert.Equal(Verdict.OnlyInBase, onlyBase.Verdict);
        Assert.Null(onlyBase.New);
        Assert.Null(onlyBase.Effect);
        var onlyNew = Config(report, "none", 2, "wis");
        Assert.Equal(Verdict.OnlyInNew, onlyNew.Verdict);
        Assert.Null(onlyNew.Base);
        Assert.Equal(["pft", "pft", "wis"], report.Configs.Select(c => c.Key.Workload));
        Assert.Equal(0, report.ExitCode);   // a configuration that vanished is shown, not a failure
    }

    [Fact]
    public void EmptyMetricCellsGiveNoValueAndZeroBasesDoNotDivide()
    {
        var report = Compare([Row("lookup", 1, 100)], [Row("lookup", 1, 100)], metric: "wait_mean_us");   // empty in both
        Assert.Equal(Verdict.NoValue, report.Configs.Single().Verdict);
        Assert.Equal(new Effect(1, 1, 1), SampleTest.RatioWithCi([0, 0, 0, 0, 0], [0, 0, 0, 0, 0]));
        Assert.Equal(double.PositiveInfinity, SampleTest.RatioWithCi([0, 0, 0, 0, 0], Around(5, 5)).Ratio);
    }

    [Fact]
    public void FindingsAreSummedAndOnlyANewAuditFailureFails()
    {
        var report = Compare([Row("vma-held", 1, 100, findings: 2), Row("lookup", 1, 100)],
                             [Row("vma-held", 1, 100, findings: 3, rep: 1), Row("vma-held", 1, 100, findings: 4, rep: 2),
                              Row("lookup", 1, 100, findings: 1, auditFailed: true)]);
        var v = Config(report, "vma-held", 1);
        Assert.Equal((2L, 7L), (v.Base!.Findings, v.New!.Findings));
        Assert.True(Config(report, "lookup", 1).New!.AuditFailed);
        Assert.Equal(1, report.NewAuditFailures);
        Assert.Equal(1, report.ExitCode);
        // A failure in base only is history; one in both is not new (run itself exits 3 on it).
        Assert.Equal(0, Compare([Row("lookup", 1, 100, findings: 1, auditFailed: true)], [Row("lookup", 1, 100)]).ExitCode);
        Assert.Equal(0, Compare([Row("lookup", 1, 100, findings: 1, auditFailed: true)], [Row("lookup", 1, 100, findings: 1, auditFailed: true)]).ExitCode);
    }

    [Fact]
    public void SettingsThatChangeANumbersMeaningGetOneWarningLineEach()
    {
        var a = Row("lookup", 1, 100);
        var b = Row("lookup", 1, 100, host: "big");
        b.Set("duration_s", 3.0);
        b["dotnet_version"] = ".NET 11.0.0";
        var report = Compare([a], [b]);
        Assert.Equal(3, report.Warnings.Count);
        Assert.Contains("warning: different measured duration (duration_s: base 2; new 3): the numbers do not mean the same thing", report.Warnings);
        Assert.Contains(report.Warnings, w => w.StartsWith("warning: different host (host: base vm; new big)", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.StartsWith("warning: different .NET version", StringComparison.Ordinal));
        Assert.Empty(Compare([a], [a]).Warnings);
        Assert.All(CompareColumns.Meaning, m => Assert.Contains(m.Column, CsvSchema.Columns.Select(c => c.Name)));
        Assert.All(CompareColumns.Key, k => Assert.Contains(k, CsvSchema.Columns.Select(c => c.Name)));
    }

    [Fact]
    public void ProvenanceComesFromTheFirstRow()
    {
        var report = Compare([Row("lookup", 1, 100, commit: "111111111111")], [Row("lookup", 1, 100, host: "big", commit: "222222222222")]);
        Assert.Equal(("111111111111", "vm", "Test CPU", "2", "6.18.0", 1), (report.Base.GitCommit, report.Base.Host, report.Base.CpuModel,
            report.Base.LogicalCpus, report.Base.KernelRelease, report.Base.Rows));
        Assert.Equal("222222222222", report.New.GitCommit);
    }

    [Fact]
    public void RenderingShowsProvenanceVerdictsEffectsFindingsAndWarnings()
    {
        var report = Compare([WithIntervals("lookup", 1, Around(100, 5)), Row("vma-held", 1, 100), Row("lookup", 2, 100)],
                             [Row("lookup", 1, 50, findings: 1, auditFailed: true, host: "big", intervals: Around(50, 5)),
                              Row("none", 1, 100, host: "big"), Row("lookup", 2, 100, host: "big")]);
        string text = Render(report);
        Assert.StartsWith("base: ", text);
        Assert.Contains("commit aaaaaaaaaaaa, host vm, Test CPU, 2 logical CPUs, kernel 6.18.0; 3 rows", text);
        Assert.Contains("warning: different host (host: base vm; new big)", text);
        Assert.Contains("Mann-Whitney equivalence test", text);
        Assert.Contains("0.50x [", text);
        Assert.Contains("5 / 5 intervals", text);
        Assert.Contains("slower", text);
        Assert.Contains("needs ≥ 5 samples (base 1, new 1)", text);
        Assert.Contains("only in base", text);
        Assert.Contains("only in new", text);
        Assert.Contains("0 → 1 AUDIT FAILED", text);
        Assert.Contains("compare: 4 configurations: 0 faster, 1 slower, 0 same, 1 undecided, 1 only in base, 1 only in new; 1 newly failed their audit (exit 1)", text);
    }

    [Fact]
    public void ExitCodeIsOneOnlyForASlowdownBeyondTheThreshold()
    {
        string a = Write("a.csv", WithIntervals("lookup", 1, Around(100, 5)));
        string same = Write("same.csv", WithIntervals("lookup", 1, Around(100.5, 5)));
        string slower = Write("slower.csv", WithIntervals("lookup", 1, Around(50, 5)));
        string single = Write("single.csv", Row("lookup", 1, 50));
        Assert.Equal(0, Program.Main(["compare", a, single]));   // one value: undecided, never a failure
        Assert.Equal(0, Program.Main(["compare", a, same]));
        Assert.Equal(0, Program.Main(["compare", slower, a]));
        Assert.Equal(1, Program.Main(["compare", a, slower]));
        Assert.Equal(0, Program.Main(["compare", a, slower, "--threshold", "110%"]));
        Assert.Equal(1, Program.Main(["compare", a, slower, "--metric", "faults_per_s", "--threshold", "10", "--noise", "0"]));
    }

    [Fact]
    public void ADirectoryIsAUsageErrorSaidInOneLine()
    {
        string a = Write("a.csv", Row("lookup", 1, 100));
        Assert.Equal(2, Program.Main(["compare", _dir, a]));
        Assert.Equal($"{_dir}: is a directory; compare takes two result CSV files (results/*.csv)",
            Assert.Throws<UsageException>(() => ResultFile.Load(_dir)).Message);
    }

    [Theory]
    [InlineData("--threshold", "x")]
    [InlineData("--threshold", "-5%")]
    [InlineData("--metric", "scheme")]
    [InlineData("--metric", "no_such_column")]
    [InlineData("--noise", "fast")]
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
        Assert.Equal(2, SampleTest.Median([3, 1, 2]));
        Assert.Equal(2.5, SampleTest.Median([4, 1, 3, 2]));
        Assert.Equal(7, SampleTest.Median([7]));
    }
}
