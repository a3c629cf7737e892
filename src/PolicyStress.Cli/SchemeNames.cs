using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Cli;

/// <summary>The command-line spellings of schemes, tree locks and 2007 bugs (users script against them).</summary>
public static class SchemeNames
{
    public static readonly (string Name, RefScheme Value)[] Schemes =
    [
        ("lookup", RefScheme.Lookup), ("lookup-2007", RefScheme.Lookup2007), ("vma-held", RefScheme.VmaHeld),
        ("vma-held-graveyard", RefScheme.VmaHeldGraveyard), ("vma-held-epoch", RefScheme.VmaHeldEpoch), ("none", RefScheme.None),
    ];

    public static readonly (string Name, SpLockKind Value)[] Locks =
        [("spin", SpLockKind.Spin), ("rwlock", SpLockKind.RwLock), ("rwls", SpLockKind.Rwls), ("sharded", SpLockKind.Sharded), ("snapshot", SpLockKind.Snapshot)];

    public static readonly (string Name, Bugs2007 Value)[] Bugs =
    [
        ("set-mempolicy-unlocked", Bugs2007.SetMempolicyUnlocked), ("interleave-leak", Bugs2007.InterleaveLeak),
        ("huge-interleave-put", Bugs2007.HugeInterleavePut), ("shm-hugetlb-noref", Bugs2007.ShmHugetlbNoref),
        ("get-mempolicy-leak", Bugs2007.GetMempolicyLeak),
    ];

    public static string Name(RefScheme s) => Array.Find(Schemes, x => x.Value == s).Name;
    public static string Name(SpLockKind k) => Array.Find(Locks, x => x.Value == k).Name;

    public static RefScheme ParseScheme(string s) => Parse(Schemes, s, "--scheme");
    public static SpLockKind ParseLock(string s) => Parse(Locks, s, "--sp-lock");
    public static Bugs2007 ParseBug(string s) => Parse(Bugs, s, "--bug");

    /// <summary>Look a value up, or fail with the one-line message that names the accepted ones.</summary>
    public static T Parse<T>((string Name, T Value)[] table, string s, string option)
    {
        foreach (var (n, v) in table)
            if (string.Equals(n, s.Trim(), StringComparison.OrdinalIgnoreCase)) return v;
        throw new UsageException($"{option}: unknown value '{s}'; accepted: {string.Join(", ", table.Select(t => t.Name))}");
    }
}
