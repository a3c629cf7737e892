using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Tests;

/// <summary>
/// The reclaim side as a result: a writer-rate sweep (--mbind-rate takes a list) of a deferring scheme writes
/// one row per rate with the wait percentiles, the memory held and the hazard scans, and prints the reclaim table.
/// </summary>
public sealed class ReclaimResultTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policystress-reclaim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnMbindRateListSweepsTheWriterRateAndEachRowCarriesTheReclaimFigures()
    {
        string csv = Path.Combine(_dir, "rates.csv");
        var r = CliProcess.Run(["run", "--workload", "churn", "--scheme", "hazptr", "--mbind-rate", "500,4000",
            "--csv", csv, "--duration", "300ms", "--warmup", "0", "--interval", "100ms"]);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("reclaim: policies waiting to be freed (engine", r.Out);
        var rows = CsvResultReader.Read(csv);
        Assert.Equal(["500", "4000"], rows.Select(x => x["mbind_rate"]));
        Assert.All(rows, x =>
        {
            Assert.Equal("hazptr", x["scheme"]);
            Assert.True(long.Parse(x["hazard_scans"]) > 0);
            Assert.True(long.Parse(x["waited"]) > 0);
            Assert.NotEqual("", x["wait_p99_us"]);
            Assert.True(double.Parse(x["wait_p99_us"], System.Globalization.CultureInfo.InvariantCulture) <= double.Parse(x["wait_max_us"], System.Globalization.CultureInfo.InvariantCulture) * 1.125 + 1);
            Assert.Equal("0", x["percpu_bytes_per_policy"]);
        });
    }

    [Fact]
    public void AnMbindRateThatIsNotAPositiveIntegerIsRefused()
    {
        var r = CliProcess.Run(["run", "--mbind-rate", "500,fast", .. CliProcess.Short]);
        Assert.Equal(2, r.Exit);
        Assert.StartsWith("policystress: --mbind-rate: 'fast' is not a positive integer", CliProcess.FirstLine(r.Err));
    }
}
