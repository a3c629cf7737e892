using System.Globalization;
using PolicyStress.Harness.KernelBackend;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Workloads;
using PolicyStress.Linux;
using Xunit.Abstractions;

namespace PolicyStress.Harness.Tests;

/// <summary>
/// The kernel backend's thread model (tasks as threads of this process) on the running kernel: it completes,
/// faults exactly the pages it says, leaves no segment behind, and its placement check holds. Every segment this
/// test process creates comes from this class, whose tests xunit runs one at a time. Where the kernel refuses a
/// call (no SysV shm, no mbind), a test says so and passes for that reason only.
/// </summary>
public sealed class KernelBackendTests(ITestOutputHelper output)
{
    internal static RunConfig Short(WorkloadKind w, int tasks, int threadsPerMm, PolicyKind policy) => new()
    {
        Backend = RunBackend.Kernel, Workload = w, Tasks = tasks, ThreadsPerMm = threadsPerMm, Policy = policy, StormFactor = 2,
        PagesPerTask = 64, Warmup = TimeSpan.FromMilliseconds(50), Duration = TimeSpan.FromMilliseconds(200), Interval = TimeSpan.FromMilliseconds(100),
    };

    [Theory]
    [InlineData(WorkloadKind.Pft, 1, PolicyKind.Interleave)]
    [InlineData(WorkloadKind.Pft, 2, PolicyKind.Interleave)]
    [InlineData(WorkloadKind.Pft, 2, PolicyKind.None)]
    [InlineData(WorkloadKind.Wis, 1, PolicyKind.None)]
    [InlineData(WorkloadKind.Wis, 2, PolicyKind.Interleave)]
    [InlineData(WorkloadKind.Churn, 2, PolicyKind.Interleave)]
    [InlineData(WorkloadKind.Storm, 1, PolicyKind.Interleave)]
    public void ThreadModelFaultsEveryPageOnceAndLeavesNoSegment(WorkloadKind w, int tasks, PolicyKind policy)
    {
        var config = Short(w, tasks, threadsPerMm: Math.Max(2, tasks * (w == WorkloadKind.Storm ? 2 : 1)), policy);
        if (Refused(() => KernelRunner.Run(config, TestTopologies.Live()), out var o)) return;

        AssertKernelRun(config, o!);
    }

    /// <summary>What every finished kernel point shows, whichever model ran it.</summary>
    internal static void AssertKernelRun(RunConfig config, RunOutcome o)
    {
        var k = o.Kernel!;
        Assert.Equal("ok", k.NumaMapsCheck);
        // The check pass wrote each page of each slice once, and the kernel counted one fault per write.
        Assert.Equal((long)config.FaultingTasks * config.PagesPerTask, k.CheckPages);
        Assert.Equal(k.CheckPages, k.CheckKernelFaults);
        Assert.True(o.Faults > 0);
        Assert.Equal(0, o.Faults % config.PagesPerTask);   // whole passes only
        Assert.True(k.KernelFaults >= o.Faults, $"{k.KernelFaults} kernel faults for {o.Faults} writes");
        Assert.Equal(config.FaultingTasks, o.ObservedCpus.Length);
        Assert.Equal(0, o.CpuMismatches);
        Assert.Equal(config.Intervals, o.IntervalFaultsPerSec.Length);
        Assert.True(k.FreeSeconds > 0);
        Assert.Equal(0, SysvShmTable.CountCreatedBy(LinuxSyscalls.Getpid()));
    }

    [Fact]
    public void KernelRowsSayBackendPolicyAndNotApplicable()
    {
        var config = Short(WorkloadKind.Pft, 1, 2, PolicyKind.None);
        if (Refused(() => KernelRunner.Run(config, TestTopologies.Live()), out var o)) return;
        var row = ResultRowFactory.Create(Provenance.Capture(), TestTopologies.Live(), config, o!);

        Assert.Equal("kernel", row["backend"]);
        Assert.Equal("none", row["policy"]);
        Assert.Equal("n/a", row["scheme"]);
        Assert.Equal("n/a", row["sp_lock"]);
        Assert.Equal("ok", row["numa_maps_check"]);
        Assert.Equal("", row["findings"]);
        Assert.Equal("false", row["audit_failed"]);
        Assert.True(row.GetDouble("fault_ns") > 0);
        Assert.Equal(o!.Kernel!.KernelFaults, row.GetLong("kernel_faults"));
    }

    [Fact]
    public void TheFaultProbeMeasuresAPositiveCost()
    {
        if (!KernelFaultProbe.TryMeasure(out double ns, out string? refusal, TimeSpan.FromMilliseconds(50)))
        {
            output.WriteLine($"skipped for this reason only: {refusal}");
            Assert.StartsWith("the kernel refused ", refusal);
            return;
        }
        Assert.True(ns > 0 && double.IsFinite(ns), ns.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, SysvShmTable.CountCreatedBy(LinuxSyscalls.Getpid()));
    }

    [Fact]
    public unsafe void PlacementCheckPassesOnARealSegmentAndFailsOnAWrongExpectation()
    {
        // A real line: a segment this test faults itself, read back from /proc/self/numa_maps.
        const int pages = 64;
        int page = Environment.SystemPageSize;
        int id = LinuxSyscalls.Shmget(LinuxConstants.IPC_PRIVATE, (ulong)(pages * page), LinuxConstants.IPC_CREAT | LinuxConstants.S_IRUSR | LinuxConstants.S_IWUSR);
        if (id < 0) { output.WriteLine($"passes only because the kernel refused shmget: {LinuxConstants.ErrnoName(id)}"); return; }
        long addr = LinuxSyscalls.Shmat(id, 0, 0);
        LinuxSyscalls.ShmctlRmid(id);
        Assert.True(addr > 0);
        NumaMapsLine? line;
        try
        {
            for (int i = 0; i < pages; i++) ((byte*)addr)[i * page] = 1;
            line = NumaMapsParser.Find(NumaMapsParser.ReadSelf(), (ulong)addr);
        }
        finally
        {
            LinuxSyscalls.Shmdt((nint)addr);
        }
        var nodes = KernelRunner.PolicyNodes();
        Assert.NotNull(line);

        Assert.Null(NumaPlacementCheck.Check(line, new(pages, PolicyKind.None, nodes)));
        Assert.Contains($"holds {pages} pages where {pages + 1} were faulted", NumaPlacementCheck.Check(line, new(pages + 1, PolicyKind.None, nodes)));
        Assert.Contains("where interleave was set", NumaPlacementCheck.Check(line, new(pages, PolicyKind.Interleave, nodes)));
        Assert.Contains("outside the run's nodes", NumaPlacementCheck.Check(line, new(pages, PolicyKind.Interleave, [nodes.Max() + 1])));
        Assert.Equal("no numa_maps line for the attach", NumaPlacementCheck.Check(null, new(pages, PolicyKind.None, nodes)));
        // Interleave over two nodes that left one of them without a page, and one that did not.
        var interleaved = line! with { Policy = "interleave:0-1", NodePages = new Dictionary<int, ulong> { [0] = pages } };
        Assert.Contains("no page on node 1", NumaPlacementCheck.Check(interleaved, new(pages, PolicyKind.Interleave, [0, 1])));
        Assert.Null(NumaPlacementCheck.Check(interleaved with { NodePages = new Dictionary<int, ulong> { [0] = pages / 2, [1] = pages / 2 } },
            new(pages, PolicyKind.Interleave, [0, 1])));
    }

    [Fact]
    public void ARefusedCallIsNamedWithItsErrno()
    {
        var e = new KernelRefusedException(KernelCall.Shmget, -LinuxConstants.ENOMEM);
        Assert.Equal("the kernel refused shmget: ENOMEM (errno 12)", e.Message);
        Assert.Equal(LinuxConstants.ENOMEM, e.Errno);
    }

    [Fact]
    public void ASegmentTooLargeForThisMachineIsRefusedWithoutALeftover()
    {
        // 2^31 pages (8 TiB of 4 KiB pages): shmget's memory accounting refuses it (ENOMEM), or shmat cannot map it.
        var config = Short(WorkloadKind.Pft, 1, 2, PolicyKind.None) with { PagesPerTask = int.MaxValue };
        var e = Assert.Throws<KernelRefusedException>(() => KernelRunner.Run(config, TestTopologies.Live()));
        output.WriteLine(e.Message);
        Assert.Contains(e.Call, new[] { KernelCall.Shmget, KernelCall.Shmat });
        Assert.Equal(0, SysvShmTable.CountCreatedBy(LinuxSyscalls.Getpid()));
    }

    private bool Refused(Func<RunOutcome> run, out RunOutcome? outcome) => RefusedBy(output, run, out outcome);

    /// <summary>Run; false with the outcome, or true (and the reason written) when the kernel refused a call.</summary>
    internal static bool RefusedBy(ITestOutputHelper output, Func<RunOutcome> run, out RunOutcome? outcome)
    {
        try
        {
            outcome = run();
            return false;
        }
        catch (KernelRefusedException e)
        {
            output.WriteLine($"passes only because the kernel refused: {e.Message}");
            outcome = null;
            return true;
        }
    }
}
