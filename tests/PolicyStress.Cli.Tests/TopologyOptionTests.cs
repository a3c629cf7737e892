using PolicyStress.Cli.Commands;

namespace PolicyStress.Cli.Tests;

/// <summary>The harness's topology errors reach the user as one line naming the option, the value and what is accepted.</summary>
public sealed class TopologyOptionTests
{
    [Fact]
    public void FakeNumaBeyondTheAllowedCpusNamesTheOptionAndTheAcceptedRange()
    {
        var e = Assert.Throws<UsageException>(() => SweepSession.Topology(99));
        Assert.Matches(@"^--fake-numa: 99 virtual nodes need 1\.\.[0-9]+ \(one allowed CPU each at least\)$", e.Message);
    }

    [Fact]
    public void UnknownPlacementNamesTheOptionAndTheAcceptedValues()
    {
        var e = Assert.Throws<UsageException>(() => OptionParsing.Placement("everywhere"));
        Assert.Equal($"--placement: unknown value 'everywhere'; accepted: {Harness.Topology.Placement.Accepted}", e.Message);
    }

    [Theory]
    [InlineData("--fake-numa", "99")]
    [InlineData("--placement", "everywhere")]
    [InlineData("--placement", "nodes=63")]
    public void BadTopologyOptionIsExitCode2(string option, string value)
        => Assert.Equal(2, Program.Main(["topology", option, value]));
}
