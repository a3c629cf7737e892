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
        List<SweepPoint> points;
        using (var w = new CsvResultWriter(path))
        {
            points = SweepRunner.Run(configs, TestTopologies.Live(), Provenance.Capture(), w, observer, cts.Token);
            w.Complete();
        }

        Assert.Single(points);
        Assert.True(observer.FinalAbsentWhileRunning);
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(2, File.ReadAllLines(path).Length);   // header + the one finished row
        Assert.Equal("1", CsvResultReader.Read(path)[0]["rep"]);
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
