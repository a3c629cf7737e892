using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;

namespace PolicyStress.Harness.Results;

/// <summary>
/// The CSV spellings of schemes, locks and bugs — the same words as the CLI's SchemeNames (the CLI parses
/// them; the harness only writes them). Scheme names come from <see cref="SchemeRegistry"/>.
/// </summary>
public static class SchemeSpelling
{
    /// <summary>The scheme's name, from the engine's registry (the one place it is spelled).</summary>
    public static string Name(RefScheme s) => SchemeRegistry.Name(s);

    public static string Name(SpLockKind k) => k.ToString().ToLowerInvariant();

    /// <summary>The mmap lock kinds' spellings (the CLI parses the same table).</summary>
    public static readonly (string Name, MmapLockKind Value)[] MmapLocks =
        [("rwls", MmapLockKind.Rwls), ("rwsem", MmapLockKind.Rwsem), ("per-vma", MmapLockKind.PerVma)];

    public static string Name(MmapLockKind k) => Array.Find(MmapLocks, x => x.Value == k).Name;

    /// <summary>The empty bug set (not the scheme that happens to share the word).</summary>
    public const string NoBugs = "none";

    /// <summary>The 2007 bugs' spellings, in the order a bug set is written (the CLI parses the same table).</summary>
    public static readonly (string Name, Bugs2007 Value)[] Bugs =
    [
        ("set-mempolicy-unlocked", Bugs2007.SetMempolicyUnlocked), ("interleave-leak", Bugs2007.InterleaveLeak),
        ("huge-interleave-put", Bugs2007.HugeInterleavePut), ("shm-hugetlb-noref", Bugs2007.ShmHugetlbNoref),
        ("get-mempolicy-leak", Bugs2007.GetMempolicyLeak),
    ];

    /// <summary>A bug set as the CSV writes it: the names joined by '+', or <see cref="NoBugs"/>.</summary>
    public static string Name(Bugs2007 b) =>
        b == Bugs2007.None ? NoBugs : string.Join('+', Bugs.Where(x => b.HasFlag(x.Value)).Select(x => x.Name));
}
