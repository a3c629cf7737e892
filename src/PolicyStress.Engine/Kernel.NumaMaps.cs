using System.Text;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine;

/// <summary>How /proc/&lt;pid&gt;/numa_maps is rendered.</summary>
public enum NumaMapsStyle
{
    /// <summary>The kernel's: one line per vma, the policy at vm_start, counts over the whole vma.</summary>
    Kernel,
    /// <summary>Lee's June 2007 fix ("Shared Policy: fix show_numa_maps()", not merged): a shared-policy vma
    /// shows one line per tree sub-range and per gap, each with its own policy and counts.</summary>
    SubRanges,
}

/// <summary>fs/proc/task_mmu.c show_numa_map().</summary>
public sealed partial class Kernel
{
    /// <summary>
    /// /proc/&lt;target&gt;/numa_maps as read by <paramref name="reader"/>: target's mmap lock (read) for
    /// the walk; the target's task policy pinned with a reference (hold_task_mempolicy) in modern kernels,
    /// or looked up per vma by the 2.6.23 get_vma_policy() rules — with its reference on another task's
    /// policy taken without any lock that stops that task from freeing it (bug 1).
    /// </summary>
    public string NumaMaps(TaskStruct reader, TaskStruct target, NumaMapsStyle style = NumaMapsStyle.Kernel)
    {
        var sb = new StringBuilder();
        var mm = target.Mm;
        Mempolicy? held = null;
        if (!Era2007)
        {
            lock (target.TaskLock)
            {
                held = TaskPolicy(target);
                Policies.Get(held);
            }
        }
        mm.MmapLock.EnterReadLock();
        try
        {
            foreach (var vma in mm.Vmas)
            {
                string fallback = Era2007 ? "default" : PolicyText.ToKernelString(held);
                if (style == NumaMapsStyle.SubRanges && vma.HasSharedPolicy)
                    AppendSubRanges(sb, vma, fallback);
                else
                    AppendLine(sb, vma, vma.Start, vma.End, Era2007 ? PolicyString2007(reader, target, vma) : PolicyStringAt(reader, vma, vma.Start, fallback));
            }
        }
        finally
        {
            mm.MmapLock.ExitReadLock();
            if (held is not null) Policies.Put(held);
            Quiescent(reader);
        }
        return sb.ToString();
    }

    /// <summary>Modern: __get_vma_policy() at <paramref name="addr"/>, printed, then mpol_cond_put().</summary>
    private string PolicyStringAt(TaskStruct reader, Vma vma, ulong addr, string fallback)
    {
        var pol = VmaPolicyAt(reader, vma, addr, out _, out _);
        if (pol is null) return fallback;
        string s = PolicyText.ToKernelString(pol);
        if (TakesLookupRefs) Policies.DropLookupRef(pol, reader);
        return s;
    }

    /// <summary>
    /// 2.6.23 show_numa_map(): get_vma_policy(task, vma, vm_start) — which takes its reference on the
    /// target's task policy with no lock that stops the target from freeing it (bug 1) — then mpol_to_str()
    /// and the unref of everything but default_policy and the reader's own policy.
    /// </summary>
    private string PolicyString2007(TaskStruct reader, TaskStruct target, Vma vma)
    {
        var pol = GetVmaPolicy2007(target, reader, vma, null, vma.Start);
        string s = PolicyText.To2007String(pol);
        if (Counted2007(pol, reader)) Policies.Put(pol);
        return s;
    }

    private void AppendSubRanges(StringBuilder sb, Vma vma, string fallback)
    {
        ulong lo = vma.Pgoff, hi = vma.Pgoff + vma.Pages;
        ulong at = lo;
        foreach (var (s, e, text) in vma.Mapping.Object.Policy!.Describe(lo, hi))
        {
            if (s > at) AppendLine(sb, vma, PgoffToAddr(vma, at), PgoffToAddr(vma, s), fallback);   // gap
            AppendLine(sb, vma, PgoffToAddr(vma, Math.Max(s, lo)), PgoffToAddr(vma, Math.Min(e, hi)), text);
            at = Math.Min(e, hi);
        }
        if (at < hi) AppendLine(sb, vma, PgoffToAddr(vma, at), vma.End, fallback);
    }

    /// <summary>vma_pgoff_to_addr() of Lee's patch.</summary>
    private static ulong PgoffToAddr(Vma vma, ulong pgoff) => ((pgoff - vma.Pgoff) << PageShift) + vma.Start;

    /// <summary>
    /// One numa_maps line: address, policy, file, and the page-table walk's counts over [start, end).
    /// By era: kernelpagesize_kB is a 2015 addition that 2.6.23's show_numa_map() did not print; and 2.6.23
    /// kept no mapcount on hugetlb pages (hugetlb_no_page() added no rmap), so page_mapcount() was 0 and a
    /// huge line never showed mapmax=. active= is not printed in either era: whether a page sits on the
    /// active LRU list depends on the LRU's per-CPU batches and their drains (2.6.23: lru_cache_add_active for
    /// anonymous pages, mark_page_accessed on each shmem fault; since 5.9 new pages start inactive; with
    /// MGLRU a faulted page counts as active until its batch drains), which the model does not keep — and
    /// keeping even the 2007 referenced/active bits would add a write to every shmem fault.
    /// </summary>
    private void AppendLine(StringBuilder sb, Vma vma, ulong start, ulong end, string policy)
    {
        sb.Append(start.ToString("x8")).Append(' ').Append(policy);
        var mapping = vma.Mapping;
        var obj = mapping.Object;
        if (mapping.Segment is { } seg) sb.Append(" file=").Append(seg.FileName).Append("\\040(deleted)");
        else if (obj.IsShmem) sb.Append(" file=/dev/zero\\040(deleted)");
        if (obj.HugeTlb) sb.Append(" huge");

        Span<long> perNode = stackalloc long[Topology.NodeCount];
        long pages = 0, anon = 0, dirty = 0, mapmax = 0;
        ulong first = vma.ObjectIndex(start), last = vma.ObjectIndex(end - 1);
        for (ulong i = first; i <= last; i++)
        {
            int page = obj.Pages[i];
            if (mapping.Mapped[i] == 0 || page < 0) continue;
            pages++;
            perNode[page & MemObject.NodeMask]++;
            if ((page & MemObject.DirtyBit) != 0 || mapping.Mapped[i] == Mapping.PteDirty) dirty++;   // pte_dirty || folio dirty
            if (!obj.IsShmem && !obj.HugeTlb) anon++;
            if (!(Era2007 && obj.HugeTlb)) mapmax = Math.Max(mapmax, MapCount(obj, i));
        }
        if (pages > 0)
        {
            if (anon > 0) sb.Append(" anon=").Append(anon);
            if (dirty > 0) sb.Append(" dirty=").Append(dirty);
            if (pages != anon && pages != dirty) sb.Append(" mapped=").Append(pages);
            if (mapmax > 1) sb.Append(" mapmax=").Append(mapmax);
            for (int n = 0; n < perNode.Length; n++)
                if (perNode[n] > 0) sb.Append(" N").Append(n).Append('=').Append(perNode[n]);
            if (!Era2007) sb.Append(" kernelpagesize_kB=").Append(1 << (obj.PageShift - 10));
        }
        sb.Append('\n');
    }
}
