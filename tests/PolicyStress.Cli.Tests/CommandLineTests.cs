using Xunit.Abstractions;

namespace PolicyStress.Cli.Tests;

/// <summary>
/// What a user gets for a bad output path, a meaningless option or too many tasks: one line on stderr that
/// names it, exit code 2, before any point runs and without leaving a file behind.
/// </summary>
public sealed class CommandLineTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policystress-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertUsage((int Exit, string Out, string Err) r, string firstLine)
    {
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Out);
        Assert.StartsWith(firstLine, CliProcess.FirstLine(r.Err));
        Assert.DoesNotContain("   at ", r.Err);   // no stack trace
    }

    [Fact]
    public void CsvToADirectoryIsRefusedBeforeTheFirstPoint()
    {
        AssertUsage(CliProcess.Run(["run", "--csv", _dir, .. CliProcess.Short]),
            $"policystress: --csv: '{_dir}' is a directory; accepted: a file path");
        Assert.False(File.Exists(_dir + ".tmp"));
    }

    [Fact]
    public void CsvInAMissingDirectoryIsRefusedAndNotCreated()
    {
        string path = Path.Combine(_dir, "no", "such", "x.csv");
        AssertUsage(CliProcess.Run(["run", "--csv", path, .. CliProcess.Short]),
            $"policystress: --csv: '{path}' is in '{Path.Combine(_dir, "no", "such")}', which does not exist");
        Assert.False(Directory.Exists(Path.Combine(_dir, "no")));
    }

    [Fact]
    public void AnExistingCsvIsReplacedOnlyWithForce()
    {
        string path = Path.Combine(_dir, "old.csv");
        File.WriteAllText(path, "old\n");
        AssertUsage(CliProcess.Run(["run", "--csv", path, .. CliProcess.Short]),
            $"policystress: --csv: '{path}' exists; accepted: a new path, or --force to replace it");
        Assert.Equal("old\n", File.ReadAllText(path));

        // Three intervals: a task must lose two of them to CPU starvation before the point is "not measured".
        var r = CliProcess.Run(["run", "--csv", path, "--force", "--duration", "300ms", "--warmup", "0", "--interval", "100ms"]);
        Assert.Equal(0, r.Exit);
        Assert.StartsWith("topology: ", CliProcess.FirstLine(r.Out));
        Assert.Equal(2, File.ReadAllLines(path).Length);   // header + the one point
    }

    /// <summary>
    /// A read-only file, as a user who may not write it. Root may write anything, so as root the child runs
    /// as nobody (setpriv); where that is impossible the test says SKIPPED and why.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void AReadOnlyCsvIsRefusedForAUserWhoCannotWriteIt()
    {
        string path = Path.Combine(_dir, "ro.csv");
        File.WriteAllText(path, "keep\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string[]? prefix = null;
        if (CliProcess.EffectiveUid() == 0)
        {
            if (!File.Exists("/usr/bin/setpriv"))
            {
                output.WriteLine("SKIPPED: running as root and setpriv(1) is missing, so no user exists here who cannot write the file");
                return;
            }
            prefix = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
            File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);   // nobody may search it, not write it
            var probe = CliProcess.Run(["--version"], prefix);
            if (probe.Exit != 0)
            {
                output.WriteLine($"SKIPPED: nobody (uid 65534) cannot run the built CLI here: {CliProcess.FirstLine(probe.Err)}");
                return;
            }
        }
        AssertUsage(CliProcess.Run(["run", "--csv", path, "--force", .. CliProcess.Short], prefix),
            $"policystress: --csv: '{path}' cannot be written (Permission denied)");
        Assert.Equal("keep\n", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Theory]
    [InlineData("run --tasks 1,,2", "policystress: --tasks: empty item in '1,,2'")]
    [InlineData("run --scheme lookup, --tasks 1", "policystress: --scheme: empty item in 'lookup,'")]
    [InlineData("run --bug all --scheme lookup", "policystress: --bug: the 2007 bugs exist only in lookup-2007")]
    [InlineData("run --interval 3s --duration 1s", "policystress: --interval: 3s is longer than --duration 1s; accepted: at most the duration")]
    [InlineData("conformance --seed abc", "policystress: --seed: 'abc' is not an integer; accepted: an integer")]
    [InlineData("run --reps 0", "policystress: --reps: 0 is out of range; accepted: a positive integer")]
    [InlineData("run --schedule lockstep", "policystress: --schedule: unknown value 'lockstep'; accepted: inline, barrier")]
    [InlineData("run --fault-cost real", "policystress: --fault-cost: unknown value 'real'; accepted: isolated, kernel")]
    [InlineData("run --private-work fast", "policystress: --private-work: 'fast' is not auto, default or a whole number of nanoseconds")]
    [InlineData("run --policy preferred", "policystress: --policy: unknown value 'preferred'; accepted: interleave, none")]
    public void MeaninglessOptionsAreRefused(string args, string firstLine) =>
        AssertUsage(CliProcess.Run(args.Split(' ')), firstLine);

    [Fact]
    public void MoreTasksThanCpusIsRefusedExceptForStormOrWithOversubscribe()
    {
        int cpus = Harness.Topology.TopologyFactory.Create(Linux.SysfsTopology.Read()).AllowedCpus.Count;
        string csv = Path.Combine(_dir, "x.csv");
        AssertUsage(CliProcess.Run(["run", "--tasks", $"1,{cpus + 1}", "--csv", csv, .. CliProcess.Short]),
            $"policystress: --tasks: {cpus + 1} faulting tasks but {cpus} allowed CPU(s) for placement spread (pft); accepted: at most {cpus}, or --oversubscribe");
        Assert.False(File.Exists(csv));
    }
}
