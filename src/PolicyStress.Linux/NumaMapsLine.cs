namespace PolicyStress.Linux;

/// <summary>
/// One line of /proc/&lt;pid&gt;/numa_maps, i.e. one vma (fs/proc/task_mmu.c:show_numa_map).
/// Page counts cover the whole vma; the policy is the one found at vm_start.
/// </summary>
/// <param name="Start">vm_start (hex in the file).</param>
/// <param name="Policy">mpol_to_str() output: "default", "interleave:0-3", "bind=static:1", "weighted interleave:0-1"…</param>
/// <param name="File">The file= path exactly as printed (seq_path escapes kept, e.g. "\040"), or null.</param>
/// <param name="Flags">Bare words in order of appearance: "heap", "stack", "huge".</param>
/// <param name="Counters">key=value counts: anon, dirty, mapped, mapmax, active, swapcache, writeback, kernelpagesize_kB.</param>
/// <param name="NodePages">Pages per node from N&lt;n&gt;=&lt;pages&gt;, sorted by node id.</param>
public sealed record NumaMapsLine(
    ulong Start,
    string Policy,
    string? File,
    IReadOnlyList<string> Flags,
    IReadOnlyDictionary<string, ulong> Counters,
    IReadOnlyDictionary<int, ulong> NodePages)
{
    public bool IsHuge => Flags.Contains("huge");

    /// <summary>A counter's value, 0 when the kernel left it out (it omits zero counts).</summary>
    public ulong Counter(string key) => Counters.GetValueOrDefault(key);

    /// <summary>Resident pages of the vma summed over nodes.</summary>
    public ulong TotalPages => NodePages.Values.Aggregate(0UL, (sum, pages) => sum + pages);
}
