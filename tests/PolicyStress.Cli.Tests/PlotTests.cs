using PolicyStress.Cli.Plots;
using PolicyStress.Cli.Scaling;
using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Tests;

/// <summary>plot writes every figure of a result file as a real PNG (SVG when asked), and refuses to draw without a font.</summary>
public sealed class PlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policystress-plot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A sweep of three schemes over 1..8 tasks on one lock: USL-shaped rates, latencies and fairness spread.</summary>
    private static ResultRow[] Sweep(double scale = 1)
    {
        var rows = new List<ResultRow>();
        foreach (var (scheme, sigma, kappa) in new[] { ("lookup", 0.3, 0.02), ("vma-held-epoch", 0.05, 0.001), ("none", 0.01, 0) })
            foreach (int n in new[] { 1, 2, 4, 8 })
            {
                double rate = scale * new UslModel(1.5e7, sigma, kappa, 0).Throughput(n);
                var r = TestRows.Row(scheme, n, rate, intervals: [rate * 0.99, rate * 1.01, rate, rate * 0.98, rate * 1.02]);
                r.Set("faults_per_cpu_s", rate / n);
                r.Set("task_min_faults_per_s", rate / n * 0.9);
                r.Set("task_max_faults_per_s", rate / n * 1.1);
                r.Set("task_cv", n > 1 ? 0.05 : 0.0);
                r.Set("lat_p50_ns", 60.0 * n);
                r.Set("lat_p99_ns", 400.0 * n);
                r.Set("lat_p999_ns", 2000.0 * n);
                r.Set("lat_max_ns", 50000.0);
                rows.Add(r);
            }
        return [.. rows];
    }

    private static void AssertPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10_000, $"{path}: {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    [Fact]
    public void DrawsEveryFigurePerWorkloadAndLockAndTheRatioGivenABase()
    {
        FigureFont.Use(null);
        var rows = Sweep();
        string baseCsv = TestRows.Write(_dir, "base.csv", Sweep(0.8));
        var compare = Compare.ResultComparer.Compare(Compare.ResultFile.Load(baseCsv), new Compare.ResultFile("new", rows),
            Compare.ResultComparer.Settings("5%", "faults_per_s"));
        var written = FigureSet.Draw(rows, Path.Combine(_dir, "figures"), svg: true, FigureSet.Footer(rows), compare);
        string[] names = ["pft-rwlock-throughput", "pft-rwlock-cost", "pft-rwlock-latency", "pft-rwlock-fairness", "ratio"];
        Assert.Equal(names.SelectMany(n => new[] { $"{n}.png", $"{n}.svg" }).Order(), written.Select(Path.GetFileName).Order());
        foreach (var png in written.Where(p => p.EndsWith(".png", StringComparison.Ordinal))) AssertPng(png);
        Assert.Contains("<svg", File.ReadAllText(written.Single(p => p.EndsWith("throughput.svg", StringComparison.Ordinal))));
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "figures"), "*.tmp"));
    }

    [Fact]
    public void TheVerbWritesBesideTheCsvAndPrintsThePaths()
    {
        string csv = TestRows.Write(_dir, "run.csv", Sweep());
        var output = new StringWriter();
        var stdout = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, Program.Main(["plot", csv]));
        }
        finally
        {
            Console.SetOut(stdout);
        }
        string figure = Path.Combine(_dir, "run-figures", "pft-rwlock-throughput.png");
        Assert.Contains($"figure: {figure}", output.ToString());
        AssertPng(figure);
    }

    [Fact]
    public void WithoutAFontPlotFailsLoudly()
    {
        string csv = TestRows.Write(_dir, "run.csv", Sweep());
        string missing = Path.Combine(_dir, "nope.ttf");
        Assert.Equal($"--font: {missing}: no such file", Assert.Throws<UsageException>(() => FigureFont.Use(missing)).Message);
        string notAFont = Path.Combine(_dir, "fake.ttf");
        File.WriteAllText(notAFont, "not a font");
        Assert.Contains("not a font SkiaSharp can read", Assert.Throws<UsageException>(() => FigureFont.Use(notAFont)).Message);
        Assert.Equal(2, Program.Main(["plot", csv, "--font", missing]));
        Assert.False(Directory.Exists(Path.Combine(_dir, "run-figures")));
        Assert.Contains(FigureFont.Use(null), FigureFont.Candidates);   // this machine has one of them
    }

    [Fact]
    public void BadInputsAreExitCode2()
    {
        Assert.Equal(2, Program.Main(["plot", Path.Combine(_dir, "nope.csv")]));
        Assert.Equal(2, Program.Main(["plot", _dir]));
        Assert.Equal(2, Program.Main(["plot"]));
    }
}
