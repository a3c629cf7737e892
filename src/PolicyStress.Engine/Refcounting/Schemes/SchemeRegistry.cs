namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// The list of schemes, in the order every table, help text and plot shows them. Adding a scheme is a file
/// beside this one, an entry in <see cref="RefScheme"/> and a line here; nothing else lists schemes.
/// </summary>
public static class SchemeRegistry
{
    private static readonly SchemeDefinition[] Ordered =
    [
        LookupScheme.Definition,
        Lookup2007Scheme.Definition,
        VmaHeldScheme.Definition,
        VmaHeld2007Scheme.Definition,
        VmaHeldGraveyardScheme.Definition,
        VmaHeldEpochScheme.Definition,
        VmaRcuScheme.Definition,
        RcurefScheme.Definition,
        PercpuRefScheme.Definition,
        HazptrScheme.Definition,
        RefcacheScheme.Definition,
        NoneScheme.Definition,
    ];

    private static readonly SchemeDefinition[] ByKind = Index();

    /// <summary>Every scheme, in display order.</summary>
    public static IReadOnlyList<SchemeDefinition> All => Ordered;

    /// <summary>Every scheme's key, in display order (the suite's and the bench's axis).</summary>
    public static IEnumerable<RefScheme> Kinds => Ordered.Select(s => s.Kind);

    /// <summary>The definition of <paramref name="kind"/>.</summary>
    public static SchemeDefinition Of(RefScheme kind) => ByKind[(int)kind];

    /// <summary>The name users type for <paramref name="kind"/>.</summary>
    public static string Name(RefScheme kind) => Of(kind).Name;

    /// <summary>The scheme named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static SchemeDefinition? Find(string name) =>
        Array.Find(Ordered, s => string.Equals(s.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    private static SchemeDefinition[] Index()
    {
        var kinds = Enum.GetValues<RefScheme>();
        var byKind = new SchemeDefinition[kinds.Length];
        foreach (var s in Ordered) byKind[(int)s.Kind] = s;
        foreach (var k in kinds)
            if (byKind[(int)k] is null) throw new InvalidOperationException($"scheme {k} has no definition in SchemeRegistry");
        return byKind;
    }
}
