using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Harness.Results;

/// <summary>
/// The CSV spellings of schemes, locks and bugs — the same words as the CLI's SchemeNames (the CLI parses
/// them; the harness only writes them).
/// </summary>
public static class SchemeSpelling
{
    public static string Name(RefScheme s) => s switch
    {
        RefScheme.Lookup => "lookup",
        RefScheme.Lookup2007 => "lookup-2007",
        RefScheme.VmaHeld => "vma-held",
        RefScheme.VmaHeldGraveyard => "vma-held-graveyard",
        RefScheme.VmaHeldEpoch => "vma-held-epoch",
        RefScheme.None => "none",
        _ => s.ToString().ToLowerInvariant(),
    };

    public static string Name(SpLockKind k) => k.ToString().ToLowerInvariant();

    public static string Name(Bugs2007 b)
    {
        if (b == Bugs2007.None) return "none";
        var names = new List<string>();
        if (b.HasFlag(Bugs2007.SetMempolicyUnlocked)) names.Add("set-mempolicy-unlocked");
        if (b.HasFlag(Bugs2007.InterleaveLeak)) names.Add("interleave-leak");
        if (b.HasFlag(Bugs2007.HugeInterleavePut)) names.Add("huge-interleave-put");
        if (b.HasFlag(Bugs2007.ShmHugetlbNoref)) names.Add("shm-hugetlb-noref");
        if (b.HasFlag(Bugs2007.GetMempolicyLeak)) names.Add("get-mempolicy-leak");
        return string.Join('+', names);
    }
}
