using PolicyStress.Harness.Topology;
using PolicyStress.Linux;
using Xunit.Abstractions;

namespace PolicyStress.Conformance.Tests;

/// <summary>
/// The engine against the running kernel over fixed seeds (2,100 operations in all). Where the kernel
/// refuses the NUMA calls (ENOSYS, EPERM) the test says SKIPPED and why, and returns: xunit 2.9 has no
/// dynamic skip. On the development and CI machines the calls work, so there it runs.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(101, 700)]
    [InlineData(202, 700)]
    [InlineData(303, 700)]
    public void FixedSeedsHaveNoMismatch(int seed, int ops)
    {
        if (LinuxSide.Unavailable() is { } why)
        {
            output.WriteLine($"SKIPPED: {why}");
            return;
        }
        var w = new StringWriter();
        int rc = new ConformanceDriver(w) { ShrinkBudget = TimeSpan.FromSeconds(20) }.Run(seed, ops, verbose: false);
        output.WriteLine(w.ToString());
        string last = w.ToString().TrimEnd().Split('\n')[^1];
        Assert.Matches($"^conformance: {ops} ops, [0-9]+ checks, 0 mismatches$", last);
        Assert.Equal(0, rc);
    }

    [Fact]
    public void ScriptsRoundTripThroughTheirText()
    {
        var ops = new ConformanceGenerator(7, [0]).Generate(500);
        string text = string.Join('\n', ops.Select(o => o.ToScript()));
        var back = ConfScript.Parse(text);
        Assert.Equal(text, string.Join('\n', back.Select(o => o.ToScript())));
    }

    [Fact]
    public void ABadScriptLineIsNamedByItsNumber()
    {
        var e = Assert.Throws<FormatException>(() => ConfScript.Parse("create slot=0 size=4096\nmbind slot=0\n"));
        Assert.StartsWith("line 2:", e.Message);
    }

    [Fact]
    public void ComparerReportsMissingAndDifferentFacts()
    {
        var diffs = ConformanceComparer.Diff([("a", "1"), ("b", "2")], [("a", "1"), ("b", "3"), ("c", "4")]);
        Assert.Equal([("b", "2", "3"), ("c", ConformanceComparer.Missing, "4")], diffs);
    }

    [Fact]
    public void ReplayedScriptWithoutMismatchExitsZeroAfterItsSummaryLine()
    {
        if (LinuxSide.Unavailable() is { } why)
        {
            output.WriteLine($"SKIPPED: {why}");
            return;
        }
        var w = new StringWriter();
        string script = "create slot=0 size=40960\nmbind slot=0 view=1 off=16384 len=0x4000 mode=0x8001 mask=16:0x1,0x1 maxnode=1025 flags=0x0\ntouch slot=0 view=0 page=5 write=1\n";
        Assert.Equal(0, new ConformanceDriver(w).Run(0, 1, verbose: true, script));
        Assert.EndsWith("conformance: 3 ops, ", w.ToString().TrimEnd().Split('\n')[^1][..20]);
    }

    /// <summary>
    /// Anonymous mappings: a private one split by mbind and by a munmap in the middle, madvise over the
    /// hole (ENOMEM, after zapping what is mapped), MADV_REMOVE on private memory (EINVAL) and on a shared
    /// anonymous mapping (0), and a read touch of a page the private mapping does not map (skipped).
    /// </summary>
    [Fact]
    public void ReplayedAnonymousMappingsAndMadviseAgreeWithTheKernel()
    {
        if (LinuxSide.Unavailable() is { } why)
        {
            output.WriteLine($"SKIPPED: {why}");
            return;
        }
        var w = new StringWriter();
        string script = string.Join('\n',
            "mmap anon=0 pages=5 shared=0",
            "touch slot=4 view=0 page=1 write=1",
            "mbind slot=4 view=0 off=8192 len=0x1000 mode=0x0 mask=null maxnode=0 flags=0x0",
            "munmap anon=0 off=12288 len=0x1000",
            "madvise slot=4 view=0 off=0 len=0x5000 advice=4",
            "madvise slot=4 view=0 off=0 len=0x1000 advice=9",
            "touch slot=4 view=0 page=2 write=0",
            "mmap anon=1 pages=3 shared=1",
            "touch slot=5 view=0 page=0 write=1",
            "madvise slot=5 view=0 off=0 len=0x3000 advice=9",
            "munmap anon=1 off=1 len=0x1000",
            "munmap anon=1 off=0 len=0x0");
        Assert.Equal(0, new ConformanceDriver(w).Run(0, 1, verbose: true, script));
        string[] lines = w.ToString().TrimEnd().Split('\n');
        output.WriteLine(w.ToString());
        Assert.EndsWith("=> ENOMEM", lines[4].TrimEnd());
        Assert.EndsWith("=> EINVAL", lines[5].TrimEnd());
        Assert.EndsWith("=> ok", lines[6].TrimEnd());   // a read fault on private memory: the zero page, compared on both sides
        Assert.EndsWith("=> 0", lines[9].TrimEnd());
        Assert.EndsWith("=> EINVAL", lines[10].TrimEnd());
        Assert.EndsWith("=> EINVAL", lines[11].TrimEnd());
        Assert.StartsWith("conformance: 12 ops, ", lines[^1]);
    }

    [Fact]
    public void TheEngineIsGivenTheKernelsInodeNumbersAndTheyAreCompared()
    {
        // Shmem interleave starts at i_ino (since 3.6): the engine must number its objects as this kernel did
        // (a SysV segment: its shmid; MAP_SHARED|MAP_ANONYMOUS: get_next_ino()), and the runner compares them.
        if (LinuxSide.Unavailable() is { } why)
        {
            output.WriteLine($"SKIPPED: {why}");
            return;
        }
        var machine = TopologyFactory.Create(SysfsTopology.Read());
        var ops = ConfScript.Parse("create slot=0 size=8192\nmmap anon=1 pages=2 shared=1\n");
        Assert.Null(new ConformanceRunner(machine).Run(ops).Mismatch);

        // An engine left to number its own objects differs, and the inode facts say so.
        using var kernel = new LinuxSide();
        using var engine = new EngineSide(machine.ToEngine(), machine.AllowedCpus, kernel.Reservation, () => 7);
        var state = new ConformanceState(machine.ToEngine().NodeCount);
        var kf = new List<(string, string)>();
        var ef = new List<(string, string)>();
        foreach (var op in ops)
        {
            Assert.Equal(kernel.Apply(op, state), engine.Apply(op, state));
            state.Update(op, "0");
        }
        FactBuilder.Observe(kernel, state, kf);
        FactBuilder.Observe(engine, state, ef);
        var diffs = ConformanceComparer.Diff(kf, ef);
        Assert.NotEmpty(diffs);
        Assert.All(diffs, d => Assert.EndsWith(" inode", d.What));
    }

    [Fact]
    public void TheSummarySaysWhenPlacementIsTriviallyEqual()
    {
        static MachineTopology Machine(params bool[] memory) => new(
            [.. memory.Select((m, i) => new NumaNode(i, [i], m, m ? 1 << 20 : 0, [.. memory.Select((_, j) => i == j ? 10 : 20)], 1))],
            [.. Enumerable.Range(0, memory.Length)], [.. Enumerable.Range(0, memory.Length)], "", memory.Length,
            [.. Enumerable.Range(0, memory.Length)], [.. Enumerable.Range(0, memory.Length)]);
        Assert.Contains("one memory node allowed (0)", ConformanceDriver.PlacementNote(Machine(true)));
        Assert.Contains("one memory node allowed (1)", ConformanceDriver.PlacementNote(Machine(false, true)));
        Assert.Null(ConformanceDriver.PlacementNote(Machine(true, true)));
    }
}
