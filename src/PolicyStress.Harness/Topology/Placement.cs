using System.Globalization;

namespace PolicyStress.Harness.Topology;

/// <summary>How tasks are put on CPUs: <c>spread</c>, <c>compact</c> or <c>nodes=&lt;list&gt;</c>.</summary>
/// <param name="Kind">The strategy.</param>
/// <param name="NodeIds">For <see cref="PlacementKind.Nodes"/>: the node ids (real, or virtual indices) to use.</param>
public sealed record Placement(PlacementKind Kind, IReadOnlyList<int> NodeIds)
{
    public static Placement Spread { get; } = new(PlacementKind.Spread, []);
    public static Placement Compact { get; } = new(PlacementKind.Compact, []);

    /// <summary>The accepted spellings, for error messages.</summary>
    public const string Accepted = "spread, compact, nodes=<list> (e.g. nodes=0,2 or nodes=0-1)";

    /// <summary>Parse the command-line spelling; throws <see cref="TopologyException"/> naming the accepted ones.</summary>
    public static Placement Parse(string text)
    {
        string s = text.Trim();
        if (s.Equals("spread", StringComparison.OrdinalIgnoreCase)) return Spread;
        if (s.Equals("compact", StringComparison.OrdinalIgnoreCase)) return Compact;
        if (s.StartsWith("nodes=", StringComparison.OrdinalIgnoreCase))
        {
            int[] ids;
            try { ids = Linux.CpuList.Parse(s[6..].Replace(':', ',')); }
            catch (FormatException) { ids = []; }
            if (ids.Length > 0) return new Placement(PlacementKind.Nodes, ids);
        }
        throw new TopologyException($"unknown value '{text}'; accepted: {Accepted}");
    }

    public override string ToString() => Kind switch
    {
        PlacementKind.Spread => "spread",
        PlacementKind.Compact => "compact",
        _ => "nodes=" + string.Join(':', NodeIds.Select(i => i.ToString(CultureInfo.InvariantCulture))),
    };
}

/// <summary>The placement strategies.</summary>
public enum PlacementKind
{
    /// <summary>Round-robin over nodes: task i on node i mod n, next free CPU there.</summary>
    Spread,
    /// <summary>Fill node after node, in node order.</summary>
    Compact,
    /// <summary>Round-robin over the listed nodes only.</summary>
    Nodes,
}
