namespace PolicyStress.Conformance;

/// <summary>One side of the comparison: the running kernel or the engine.</summary>
internal interface IConformanceSide : IDisposable
{
    string Name { get; }

    /// <summary>Applies <paramref name="op"/>; the result is the return value and errno (and what get_mempolicy wrote) as text.</summary>
    string Apply(ConfOp op, ConformanceState state);

    /// <summary>Everything comparable after an operation, as (what, answer) pairs in a fixed order.</summary>
    void Observe(ConformanceState state, List<(string Key, string Value)> facts);
}
