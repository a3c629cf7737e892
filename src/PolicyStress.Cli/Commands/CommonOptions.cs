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

    public Option<int> FakeNuma { get; } = new("--fake-numa")
    {
        Description = $"Split the allowed CPUs into N virtual nodes when the machine has fewer (1-{TopologyFactory.MaxVirtualNodes})",
        DefaultValueFactory = _ => 0,
    };

    public Option<string?> Csv { get; } = new("--csv") { Description = "CSV path (default results/<UTC>-<commit>-<host>.csv)" };
}
