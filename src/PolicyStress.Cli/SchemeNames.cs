using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;
using PolicyStress.Harness.Results;

namespace PolicyStress.Cli;

/// <summary>The command-line spellings of schemes, tree locks and 2007 bugs (users script against them).</summary>
public static class SchemeNames
{
    /// <summary>The schemes, from the engine's registry (their names are spelled there, once).</summary>
    public static readonly (string Name, RefScheme Value)[] Schemes = [.. SchemeRegistry.All.Select(s => (s.Name, s.Kind))];

    public static readonly (string Name, SpLockKind Value)[] Locks =
        [("spin", SpLockKind.Spin), ("rwlock", SpLockKind.RwLock), ("rwls", SpLockKind.Rwls), ("sharded", SpLockKind.Sharded), ("snapshot", SpLockKind.Snapshot)];

    /// <summary>The 2007 bugs, spelled once in the harness's <see cref="SchemeSpelling"/>.</summary>
    public static readonly (string Name, Bugs2007 Value)[] Bugs = SchemeSpelling.Bugs;

    public static string Name(RefScheme s) => SchemeRegistry.Name(s);
    public static string Name(SpLockKind k) => Array.Find(Locks, x => x.Value == k).Name;

    public static RefScheme ParseScheme(string s) => Parse(Schemes, s, "--scheme");
    public static SpLockKind ParseLock(string s) => Parse(Locks, s, "--sp-lock");

    public static MmapLockKind ParseMmapLock(string s) => Parse(SchemeSpelling.MmapLocks, s, "--mmap-lock");
    public static Bugs2007 ParseBug(string s) => Parse(Bugs, s, "--bug");

    /// <summary>Look a value up, or fail with the one-line message that names the accepted ones.</summary>
    public static T Parse<T>((string Name, T Value)[] table, string s, string option)
    {
        foreach (var (n, v) in table)
            if (string.Equals(n, s.Trim(), StringComparison.OrdinalIgnoreCase)) return v;
        throw new UsageException($"{option}: unknown value '{s}'; accepted: {string.Join(", ", table.Select(t => t.Name))}");
    }
}
