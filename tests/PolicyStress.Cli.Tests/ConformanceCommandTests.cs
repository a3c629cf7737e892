namespace PolicyStress.Cli.Tests;

/// <summary>The `conformance` verb's options; the differential test itself is tested in PolicyStress.Conformance.Tests.</summary>
public sealed class ConformanceCommandTests
{
    [Theory]
    [InlineData("--ops", "0")]
    [InlineData("--ops", "x")]
    [InlineData("--replay", "/nonexistent/script")]
    public void BadOptionIsExitCode2(string option, string value)
        => Assert.Equal(2, Program.Main(["conformance", option, value]));
}
