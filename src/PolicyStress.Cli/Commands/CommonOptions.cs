using System.CommandLine;
using PolicyStress.Harness.Topology;

namespace PolicyStress.Cli.Commands;

/// <summary>Options shared by run, suite and topology.</summary>
internal sealed class CommonOptions
{
    public Option<string> Placement { get; } = new("--placement")
    {
        Description = "Task placement: " + Harness.Topology.Placement.Accepted, DefaultValueFactory = _ => "spread",
    };

    public Option<int> FakeNuma { get; } = OptionParsing.Int("--fake-numa",
        $"Split the allowed CPUs into N virtual nodes when the machine has fewer (1-{TopologyFactory.MaxVirtualNodes}; 0: the machine's nodes)",
        0, min: 0, max: TopologyFactory.MaxVirtualNodes);

    public Option<string?> Csv { get; } = new("--csv")
    {
        Description = "CSV path, in an existing directory (default results/<sweep>/<host>/<UTC>-<commit>.csv; results/ is created)",
    };

    public Option<bool> Force { get; } = new("--force") { Description = "Replace the --csv file if it exists" };

    /// <summary>Where <paramref name="sweep"/>'s rows go, as the options say.</summary>
    public CsvOutput Output(ParseResult parse, string sweep) => new(parse.GetValue(Csv), parse.GetValue(Force), sweep);
}
