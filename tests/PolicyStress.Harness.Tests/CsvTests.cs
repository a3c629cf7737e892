using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Tests;

/// <summary>The result CSV: schema round trip, and atomic publication even when a sweep is cancelled.</summary>
public sealed class CsvTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ps-csv-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static RunConfig Tiny(WorkloadKind w = WorkloadKind.Pft) => new()
    {
        Workload = w, Tasks = 1, Warmup = TimeSpan.FromMilliseconds(20), Duration = TimeSpan.FromMilliseconds(100), Interval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public void RowsRoundTripThroughTheSchema()
    {
        var topo = TestTopologies.LiveVirtual();
        var prov = Provenance.Capture() with { Host = "host, with \"quotes\"" };
        var c = Tiny(WorkloadKind.Churn) with { Scheme = RefScheme.Lookup2007, Bugs = Bugs2007.InterleaveLeak | Bugs2007.ShmHugetlbNoref };
        var row = ResultRowFactory.Create(prov, topo, c, StressRunner.Run(c, topo));
        string path = Path.Combine(_dir, "r.csv");
        using (var w = new CsvResultWriter(path)) { w.Append(row); w.Append(row); }

        var back = CsvResultReader.Read(path);

        Assert.Equal(2, back.Count);
        Assert.Equal(row.Values, back[0].Values);
        Assert.Equal(CsvSchema.Columns.Length, back[1].Values.Count);
        Assert.Equal("host, with \"quotes\"", back[0]["host"]);
        Assert.Equal("interleave-leak+shm-hugetlb-noref", back[0]["bugs"]);
        Assert.Equal(CsvSchema.Version, back[0].GetLong("schema_version"));
        Assert.True(back[0].GetDouble("faults_per_s") > 0);
        Assert.Equal(File.ReadLines(path).First(), CsvSchema.Header);
    }

    [Fact]
    public void ReadmeDocumentsEveryColumn()
    {
        string? repo = Provenance.FindRepo(AppContext.BaseDirectory);
        Assert.NotNull(repo);
        string doc = File.ReadAllText(Path.Combine(repo, "results", "README.md"));
        Assert.Contains($"Schema version: {CsvSchema.Version}", doc);
        Assert.All(CsvSchema.Columns, c => Assert.Contains($"`{c.Name}`", doc));
    }

    [Fact]
    public void CancelledSweepPublishesFinishedRowsOnlyAndNeverAPartialFile()
    {
        string path = Path.Combine(_dir, "sweep.csv");
        using var cts = new CancellationTokenSource();
        var observer = new CancelAfterFirst(cts, path);
        var configs = Enumerable.Range(1, 4).Select(r => Tiny() with { Rep = r }).ToList();
        SweepResult result;
        using (var w = new CsvResultWriter(path))
        {
            result = SweepRunner.Run(configs, TestTopologies.Live(), Provenance.Capture(), w, observer, cts.Token);
            w.Complete();
        }

        Assert.Single(result.Points);
        Assert.True(observer.FinalAbsentWhileRunning);
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(2, File.ReadAllLines(path).Length);   // header + the one finished row
        // The row is the finished point's (rep 1, unless a loaded machine starved rep 1 of CPU: not measured, no row).
        Assert.Equal(result.Points[0].Config.Rep.ToString(), CsvResultReader.Read(path)[0]["rep"]);
    }

    [Fact]
    public void NumbersAreFixedPointWithTheColumnsPrecision()
    {
        var r = new ResultRow();
        r.Set("faults_per_s", 11136512.4);
        r.Set("measured_s", 2.0000004);
        r.Set("wait_mean_us", 1e-9);
        r.Set("lat_p99_ns", 1234.5);
        r.Set("ref_atomics_per_fault", 2.0);
        r.Set("task_min_faults_per_s", -0.2);
        r.Set("faults_per_cpu_s", double.NaN);
        Assert.Equal("11136512", r["faults_per_s"]);
        Assert.Equal("2.000000", r["measured_s"]);
        Assert.Equal("0.0", r["wait_mean_us"]);
        Assert.Equal("1235", r["lat_p99_ns"]);
        Assert.Equal("2.0000", r["ref_atomics_per_fault"]);
        Assert.Equal("0", r["task_min_faults_per_s"]);    // never "-0"
        Assert.Equal("", r["faults_per_cpu_s"]);
    }

    [Fact]
    public void MeasuredRowsHoldNoExponentAndRecordOversubscription()
    {
        var topo = TestTopologies.Live();
        int cpus = topo.AllowedCpus.Count;
        var c = Tiny() with { Tasks = cpus + 1 };
        var o = StressRunner.Run(c, topo);
        var row = ResultRowFactory.Create(Provenance.Capture(), topo, c, o);

        Assert.True(o.Oversubscribed);
        Assert.Equal("true", row["oversubscribed"]);
        Assert.All(row.Values, v => Assert.DoesNotMatch(@"^-?[0-9.]+[eE][-+]?[0-9]+$", v));
        Assert.False((o with { PlannedCpus = [.. topo.AllowedCpus] }).Oversubscribed);
    }

    [Fact]
    public void APointShorterThanOneIntervalIsNotAMeasurement()
    {
        var c = Tiny();   // 2 intervals of 50 ms
        var o = StressRunner.Run(c, TestTopologies.Live());

        Assert.Null((o with { ShortestTaskSeconds = 0.051 }).NotMeasured(c));
        Assert.StartsWith("a task ran 0.013 s of the window, less than one interval (0.050 s)",
            (o with { ShortestTaskSeconds = 0.013 }).NotMeasured(c));
        var single = c with { Interval = c.Duration };   // one interval: start/stop jitter is allowed up to half of it
        Assert.Null((o with { ShortestTaskSeconds = 0.099 }).NotMeasured(single));
        Assert.Contains("less than half the duration (0.050 s)", (o with { ShortestTaskSeconds = 0.04 }).NotMeasured(single));
    }

    [Fact]
    public void PublishFailureNamesTheFileThatKeepsTheRows()
    {
        string path = Path.Combine(_dir, "lost.csv");
        var w = new CsvResultWriter(path);
        w.Append(new ResultRow());
        Directory.CreateDirectory(path);   // the target became a directory under the run: rename(2) fails

        var e = Assert.Throws<ResultFileException>(w.Complete);

        Assert.Equal(path + ".tmp", e.RowsIn);
        Assert.Equal(1, e.Rows);
        Assert.StartsWith($"cannot publish '{path}'", e.Message);
        Assert.Equal(2, File.ReadAllLines(path + ".tmp").Length);
        w.Dispose();   // after a failed Complete: no second attempt, no throw
    }

    [Fact]
    public void WriterWithNoRowsLeavesNothing()
    {
        string path = Path.Combine(_dir, "empty.csv");
        new CsvResultWriter(path).Dispose();
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    private sealed class CancelAfterFirst(CancellationTokenSource cts, string path) : ISweepObserver
    {
        public bool FinalAbsentWhileRunning { get; private set; }
        public void PointStarted(int index, int total, RunConfig config) { }
        public void OnInterval(RunConfig config, int interval, int intervals, double faultsPerSec) { }

        public void PointFinished(int index, int total, RunConfig config, RunOutcome outcome, ResultRow row)
        {
            FinalAbsentWhileRunning = !File.Exists(path) && File.Exists(path + ".tmp");
            cts.Cancel();   // as Ctrl-C would, right after the first row
        }
    }
}
