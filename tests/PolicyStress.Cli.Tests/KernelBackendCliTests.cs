using System.Diagnostics;
using PolicyStress.Harness.KernelBackend;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;
using PolicyStress.Linux;
using Xunit.Abstractions;

namespace PolicyStress.Cli.Tests;

/// <summary>
/// The kernel backend's process model (child processes of the built CLI, the hidden kernel-child verb) and the
/// CLI's kernel options: points complete, fault exactly the pages they say, leave neither segment nor child
/// behind, also on a signal; bad input is one line and exit 2; a refusal is one line and exit 4. Where the kernel
/// refuses a call, a test says so and passes for that reason only.
/// </summary>
public sealed class KernelBackendCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policystress-kernel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Short = ["--duration", "200ms", "--warmup", "50ms", "--interval", "100ms", "--pages", "64"];

    [Theory]
    [InlineData(WorkloadKind.Pft, 1, PolicyKind.Interleave)]
    [InlineData(WorkloadKind.Pft, 2, PolicyKind.None)]
    [InlineData(WorkloadKind.Wis, 2, PolicyKind.Interleave)]
    [InlineData(WorkloadKind.Wis, 1, PolicyKind.None)]
    public void ProcessModelFaultsEveryPageOnceAndLeavesNoSegmentOrChild(WorkloadKind w, int tasks, PolicyKind policy)
    {
        KernelRunner.ChildCommand = ("dotnet", [CliProcess.Dll]);
        var config = new RunConfig
        {
            Backend = RunBackend.Kernel, Workload = w, Tasks = tasks, ThreadsPerMm = 1, Policy = policy, PagesPerTask = 64,
            Warmup = TimeSpan.FromMilliseconds(50), Duration = TimeSpan.FromMilliseconds(200), Interval = TimeSpan.FromMilliseconds(100),
        };
        RunOutcome o;
        try { o = KernelRunner.Run(config, TopologyFactory.Create(SysfsTopology.Read())); }
        catch (KernelRefusedException e) { output.WriteLine($"passes only because the kernel refused: {e.Message}"); return; }

        var k = o.Kernel!;
        Assert.Equal("ok", k.NumaMapsCheck);
        Assert.Equal((long)tasks * 64, k.CheckPages);
        Assert.Equal(k.CheckPages, k.CheckKernelFaults);
        Assert.True(o.Faults > 0 && o.Faults % 64 == 0);
        Assert.True(k.KernelFaults >= o.Faults);
        Assert.Equal(0, o.CpuMismatches);
        Assert.Equal(0, SysvShmTable.CountCreatedBy(LinuxSyscalls.Getpid()));
        Assert.Empty(Children());
    }

    [Fact]
    public void RunWritesKernelRowsForEachPolicy()
    {
        string csv = Path.Combine(_dir, "k.csv");
        var (exit, stdout, stderr) = CliProcess.Run(["run", "--backend", "kernel", "--workload", "pft", "--policy", "interleave,none",
            "--tasks", "1", "--csv", csv, .. Short]);
        if (exit == 4) { output.WriteLine($"passes only because the kernel refused: {stderr}"); return; }

        Assert.True(exit == 0, stdout + stderr);
        var rows = File.ReadAllLines(csv).Skip(1).Select(CsvFormat.Split).ToList();
        var header = CsvFormat.Split(File.ReadLines(csv).First()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("kernel", r[header.IndexOf("backend")]));
        Assert.Equal(["interleave", "none"], rows.Select(r => r[header.IndexOf("policy")]));
        Assert.All(rows, r => Assert.Equal("ok", r[header.IndexOf("numa_maps_check")]));
        Assert.All(rows, r => Assert.Equal("n/a", r[header.IndexOf("scheme")]));
    }

    [Theory]
    [InlineData("--backend", "kernal", "--backend: unknown value 'kernal'; accepted: engine, kernel")]
    [InlineData("--policy", "bind", "--policy: unknown value 'bind'; accepted: interleave, none")]
    public void ABadBackendOrPolicyIsOneLineAndExitTwo(string option, string value, string message)
    {
        var (exit, _, stderr) = CliProcess.Run(["run", option, value, .. CliProcess.Short]);
        Assert.Equal(2, exit);
        Assert.Equal($"policystress: {message}", CliProcess.FirstLine(stderr));
    }

    [Fact]
    public void ARefusedSegmentIsOneLineNamingTheCallAndExitFourWithoutARow()
    {
        string csv = Path.Combine(_dir, "refused.csv");
        // 2^31 pages of 4 KiB: more than this machine can account for.
        var (exit, stdout, stderr) = CliProcess.Run(["run", "--backend", "kernel", "--csv", csv, "--duration", "100ms", "--warmup", "0",
            "--pages", "2000000000"]);

        Assert.True(exit == 4, stdout + stderr);
        Assert.Matches(@"^policystress: --backend kernel: the kernel refused (shmget|shmat): E[A-Z]+ \(errno \d+\); the point has no row$",
            CliProcess.FirstLine(stderr));
        Assert.False(File.Exists(csv));
        Assert.Contains("csv: no rows written", stdout);
    }

    [Fact]
    public async Task ASignalMidRunLeavesNoSegmentAndNoChild()
    {
        string csv = Path.Combine(_dir, "sig.csv");
        using var p = Process.Start(CliProcess.Info(["run", "--backend", "kernel", "--tasks", "2", "--duration", "30s", "--warmup", "0", "--csv", csv]))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        // Wait until the run's segments exist (its children attached them), then stop it.
        var sw = Stopwatch.StartNew();
        while (SysvShmTable.Read().Count(s => s.CreatorPid == p.Id && s.Attaches >= 2) < 2 && !p.HasExited && sw.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(20);
        if (p.HasExited && p.ExitCode == 4) { output.WriteLine($"passes only because the kernel refused: {await stderr}"); return; }
        using (var kill = Process.Start("kill", ["-s", "TERM", p.Id.ToString()])) kill.WaitForExit();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));

        Assert.True(p.ExitCode == 143, await stdout + await stderr);
        Assert.DoesNotContain(SysvShmTable.Read(), s => s.CreatorPid == p.Id);
        await Task.Delay(200);   // SIGKILL'd children are reaped by the kernel at once, listed until then
        Assert.Empty(Children(p.Id));
    }

    /// <summary>kernel-child processes whose parent is <paramref name="parent"/> (this process when 0).</summary>
    private static List<int> Children(int parent = 0)
    {
        int me = parent == 0 ? LinuxSyscalls.Getpid() : parent;
        var list = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(after[1]) != me) continue;
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("kernel-child")) list.Add(pid);
            }
            catch (IOException) { }
        }
        return list;
    }
}
