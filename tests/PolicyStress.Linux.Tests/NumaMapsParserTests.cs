namespace PolicyStress.Linux.Tests;

public sealed class NumaMapsParserTests
{
    [Fact]
    public void InterleavedSysvSegmentHasEveryFieldParsed()
    {
        const string text =
            @"7f3a8c000000 interleave:0-3 file=/SYSV00000000\040(deleted) dirty=512 mapmax=2 N0=128 N1=128 N2=128 N3=128 kernelpagesize_kB=4" + "\n";

        NumaMapsLine line = Assert.Single(NumaMapsParser.Parse(text));

        Assert.Equal(0x7f3a8c000000UL, line.Start);
        Assert.Equal("interleave:0-3", line.Policy);
        Assert.Equal(@"/SYSV00000000\040(deleted)", line.File);
        Assert.Empty(line.Flags);
        Assert.Equal(512UL, line.Counter("dirty"));
        Assert.Equal(2UL, line.Counter("mapmax"));
        Assert.Equal(4UL, line.Counter("kernelpagesize_kB"));
        Assert.Equal(0UL, line.Counter("anon"));
        Assert.Equal(3, line.Counters.Count);
        Assert.Equal([0, 1, 2, 3], line.NodePages.Keys);
        Assert.All(line.NodePages.Values, pages => Assert.Equal(128UL, pages));
        Assert.Equal(512UL, line.TotalPages);
    }

    [Fact]
    public void UntouchedSegmentHasNoCounters()
    {
        NumaMapsLine line = Assert.Single(NumaMapsParser.Parse(@"7ffd1000 default file=/SYSV00000001\040(deleted)"));

        Assert.Equal(0x7ffd1000UL, line.Start);
        Assert.Equal("default", line.Policy);
        Assert.Equal(@"/SYSV00000001\040(deleted)", line.File);
        Assert.Empty(line.Counters);
        Assert.Empty(line.NodePages);
        Assert.Equal(0UL, line.TotalPages);
    }

    [Fact]
    public void HeapStackAndHugeFlagsAreKeptInOrder()
    {
        const string text =
            "5630854bd000 default heap anon=4 dirty=4 active=0 N0=4 kernelpagesize_kB=4\n" +
            "7ffc2a1e0000 default stack anon=3 dirty=3 N0=3 kernelpagesize_kB=4\n" +
            @"7f0000000000 bind:1 file=/SYSV00000002\040(deleted) huge dirty=2 N1=2 kernelpagesize_kB=2048" + "\n";

        IReadOnlyList<NumaMapsLine> lines = NumaMapsParser.Parse(text);

        Assert.Equal(3, lines.Count);
        Assert.Equal(["heap"], lines[0].Flags);
        Assert.Null(lines[0].File);
        Assert.Equal(0UL, lines[0].Counter("active"));
        Assert.True(lines[0].Counters.ContainsKey("active"));   // printed as 0: present, not omitted
        Assert.Equal(["stack"], lines[1].Flags);
        Assert.True(lines[2].IsHuge);
        Assert.Equal("bind:1", lines[2].Policy);
        Assert.Equal(2048UL, lines[2].Counter("kernelpagesize_kB"));
        Assert.Equal(2UL, lines[2].NodePages[1]);
    }

    [Theory]
    [InlineData("1000 weighted interleave:0-1 anon=1 N0=1", "weighted interleave:0-1")]
    [InlineData("1000 prefer (many)=static:0-1 anon=1 N1=1", "prefer (many)=static:0-1")]
    [InlineData("1000 prefer:2 anon=1 N2=1", "prefer:2")]
    [InlineData("1000 interleave=relative:0-3 anon=1 N3=1", "interleave=relative:0-3")]
    [InlineData("1000 local anon=1 N0=1", "local")]
    public void PolicyStringsWithSpacesAndFlagsStayWhole(string row, string policy)
    {
        NumaMapsLine line = Assert.Single(NumaMapsParser.Parse(row));
        Assert.Equal(policy, line.Policy);
        Assert.Equal(1UL, line.Counter("anon"));
        Assert.Single(line.NodePages);
    }

    [Fact]
    public void NodeCountsAreSortedByNodeNotByPrintOrder()
    {
        NumaMapsLine line = Assert.Single(NumaMapsParser.Parse("1000 default anon=3 N10=1 N2=1 N0=1"));
        Assert.Equal([0, 2, 10], line.NodePages.Keys);
    }

    [Fact]
    public void EmptyTextHasNoLines() => Assert.Empty(NumaMapsParser.Parse("\n"));

    [Theory]
    [InlineData("zz default")]
    [InlineData("1000")]
    [InlineData("1000 default anon=x")]
    public void GarbageThrowsFormatExceptionWithTheLineNumber(string row)
    {
        var ex = Assert.Throws<FormatException>(() => NumaMapsParser.Parse("1000 default\n" + row));
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSelfParsesThisProcess()
    {
        IReadOnlyList<NumaMapsLine> lines = NumaMapsParser.ReadSelf();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Flags.Contains("stack"));
    }
}
