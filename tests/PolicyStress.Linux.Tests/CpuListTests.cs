namespace PolicyStress.Linux.Tests;

public sealed class CpuListTests
{
    [Theory]
    [InlineData("", new int[0])]
    [InlineData("\n", new int[0])]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3,8-11\n", new[] { 0, 1, 2, 3, 8, 9, 10, 11 })]
    [InlineData("5,1-2,2", new[] { 1, 2, 5 })]
    [InlineData("7-7", new[] { 7 })]
    [InlineData("1023", new[] { 1023 })]
    public void ParseReturnsSortedDistinctIds(string text, int[] expected)
        => Assert.Equal(expected, CpuList.Parse(text));

    [Theory]
    [InlineData("a")]
    [InlineData("1,,2")]
    [InlineData("3-1")]
    [InlineData("-1")]
    [InlineData("1-")]
    [InlineData("0x3")]
    [InlineData("+1")]
    [InlineData("1 2")]
    public void ParseOfGarbageThrowsFormatExceptionNamingTheInput(string text)
    {
        var ex = Assert.Throws<FormatException>(() => CpuList.Parse(text));
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 3 }, "3")]
    [InlineData(new[] { 11, 0, 1, 2, 3, 8, 9, 10 }, "0-3,8-11")]
    [InlineData(new[] { 0, 2, 4, 5 }, "0,2,4-5")]
    [InlineData(new[] { 1, 1, 2 }, "1-2")]
    public void FormatCollapsesRanges(int[] ids, string expected)
        => Assert.Equal(expected, CpuList.Format(ids));

    [Fact]
    public void FormatThenParseRoundTrips()
    {
        int[] ids = [0, 1, 5, 6, 7, 63, 64, 65, 200];
        Assert.Equal(ids, CpuList.Parse(CpuList.Format(ids)));
    }
}
