using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine;

/// <summary>Splitting, merging and removing vmas (mm/vma.c), reduced to what policies need.</summary>
public sealed partial class Kernel
{
    /// <summary>
    /// vma_modify_policy(): make [vmstart, vmend) of <paramref name="vma"/> a vma of its own that can take
    /// <paramref name="pol"/> — by merging it into <paramref name="prev"/> or the next vma when they are
    /// adjacent parts of the same mapping with contiguous offsets and an equal policy, or else by
    /// splitting at the edges. Returns the vma that now covers the range (the merged one, if any).
    /// </summary>
    private Vma VmaModifyPolicy(Mm mm, Vma? prev, Vma vma, ulong vmstart, ulong vmend, Mempolicy? pol)
    {
        if (!Era2007)
        {
            bool left = vmstart == vma.Start, right = vmend == vma.End;
            int i = mm.Vmas.IndexOf(vma);
            Vma? next = i + 1 < mm.Vmas.Count ? mm.Vmas[i + 1] : null;
            bool mergePrev = left && prev is not null && prev != vma && CanMerge(prev, vma.Start, vma) && MpolEqual(prev.VmPolicy, pol)
                             && AnonVmaCompatible(prev, vma);
            bool mergeNext = right && next is not null && CanMerge(vma, next.Start, next) && MpolEqual(next.VmPolicy, pol)
                             && AnonVmaCompatible(vma, next);
            // vma_merge_existing_range(): a merge may delete a vma only if it has no vm_ops->close
            // (can_merge_remove_vma). shm_vm_ops has shm_close, so a whole SysV shm vma is never merged
            // away — the merge is abandoned and the vma keeps its own policy — and a SysV next is not
            // deleted by a merge on both sides (the merge falls back to prev alone).
            if (left && right && HasCloseOp(vma)) mergePrev = mergeNext = false;
            if (mergePrev && mergeNext && HasCloseOp(next!)) mergeNext = false;
            // vma_merge_existing_range(): merging both neighbours also needs prev's and next's anon_vmas compatible.
            if (mergePrev && mergeNext && !AnonVmaCompatible(prev!, next!)) mergeNext = false;
            // vma_merge_existing_range() → vma_start_write() on every vma the merge changes.
            if (mergePrev) VmaStartWrite(mm, prev!);
            if (mergeNext) VmaStartWrite(mm, next!);
            if (mergePrev || mergeNext) VmaStartWrite(mm, vma);
            if (mergePrev && mergeNext)
            {
                TakeAnonVma(prev!, vma);
                TakeAnonVma(prev!, next!);
                prev!.End = next!.End;
                RemoveVma(mm, vma, unmapPages: false);
                RemoveVma(mm, next, unmapPages: false);
                return prev;
            }
            if (mergePrev)
            {
                TakeAnonVma(prev!, vma);
                prev!.End = vmend;
                if (right) RemoveVma(mm, vma, unmapPages: false);
                else ShrinkFront(vma, vmend);
                return prev;
            }
            if (mergeNext)
            {
                TakeAnonVma(next!, vma);
                next!.Pgoff -= (next.Start - vmstart) >> PageShift;
                next.Start = vmstart;
                if (left) RemoveVma(mm, vma, unmapPages: false);
                else vma.End = vmstart;
                return next;
            }
        }
        if (vmstart > vma.Start) vma = SplitVma(mm, vma, vmstart);   // vma is now the upper part
        if (vmend < vma.End) SplitVma(mm, vma, vmend);
        return vma;
    }

    /// <summary>
    /// is_mergeable_anon_vma(): two vmas merge only if their anon_vmas are the same or one has none yet
    /// (no fork here, so no uncowed parents).
    /// </summary>
    private static bool AnonVmaCompatible(Vma a, Vma b) => a.AnonVmaId == 0 || b.AnonVmaId == 0 || a.AnonVmaId == b.AnonVmaId;

    /// <summary>The merged vma keeps an anon_vma if either part had one (dup_anon_vma).</summary>
    private static void TakeAnonVma(Vma into, Vma from)
    {
        if (into.AnonVmaId == 0) into.AnonVmaId = from.AnonVmaId;
    }

    private int _nextAnonVma;

    /// <summary>
    /// anon_vma_prepare() at a private anonymous vma's first fault, applied lazily: a vma with a page and
    /// no anon_vma gets a new one. The kernel would reuse a neighbour's (find_mergeable_anon_vma) only
    /// for an adjacent compatible vma with an equal policy — and such a neighbour would have been merged
    /// with it already — so between two changes to the vmas every first fault makes a new anon_vma, and
    /// assigning them before the next change (mbind, mmap, munmap, madvise) gives the same identities.
    /// </summary>
    internal void SyncAnonVmas(Mm mm)
    {
        foreach (var v in mm.Vmas)
        {
            if (v.Kind != VmaKind.Anon || Volatile.Read(ref v.AnonVmaId) != 0) continue;
            var obj = v.Mapping.Object;
            ulong first = v.ObjectIndex(v.Start), count = v.Pages;
            for (ulong i = first; i < first + count; i++)
            {
                if (Volatile.Read(ref obj.Pages[i]) < 0) continue;
                Interlocked.CompareExchange(ref v.AnonVmaId, Interlocked.Increment(ref _nextAnonVma), 0);
                break;
            }
        }
    }

    /// <summary>vm_ops->close exists: shm_vm_ops (SysV shm, over shmem or hugetlbfs) has shm_close.</summary>
    private static bool HasCloseOp(Vma v) => v.Mapping.Segment is not null;

    /// <summary>is_mergeable_vma() + contiguous pgoff: the same mapping (file/anon object), no gap.</summary>
    private static bool CanMerge(Vma lower, ulong boundary, Vma upper) =>
        lower.Mapping == upper.Mapping && lower.End == boundary && upper.Start == boundary &&
        lower.Pgoff + lower.Pages == upper.Pgoff;

    /// <summary>
    /// split_vma(): cut at <paramref name="at"/>; the new upper part gets its own copy of the policy
    /// (vma_dup_policy → mpol_dup, in 2.6.23 mpol_copy) and counts as one more vma of the mapping.
    /// </summary>
    private Vma SplitVma(Mm mm, Vma vma, ulong at)
    {
        VmaStartWrite(mm, vma);   // __split_vma(): vma_start_write(vma); the new part is not visible yet
        var upper = new Vma(at, vma.End, vma.Pgoff + ((at - vma.Start) >> PageShift), vma.Kind, vma.Mapping)
        {
            VmPolicy = Policies.Dup(vma.VmPolicy),
            AnonVmaId = vma.AnonVmaId,
        };
        vma.End = at;
        mm.Insert(upper);
        OpenVma(upper);
        return upper;
    }

    private static void ShrinkFront(Vma vma, ulong newStart)
    {
        vma.Pgoff += (newStart - vma.Start) >> PageShift;
        vma.Start = newStart;
    }

    /// <summary>vm_ops->open: another vma of the mapping (shm_open bumps shm_nattch).</summary>
    private static void OpenVma(Vma v)
    {
        v.Mapping.VmaCount++;
        if (v.Mapping.Segment is { } seg) Interlocked.Increment(ref seg.NattchCount);
    }

    /// <summary>
    /// remove_vma(): drop its policy, unmap its pages from this mapping (not when it was merged into a
    /// neighbour that now maps them), and close it (shm_close; the last vma of a mapping detaches it from
    /// the object; the last of an IPC_RMID'd segment destroys it). Caller holds the mmap lock for write.
    /// </summary>
    private void RemoveVma(Mm mm, Vma vma, bool unmapPages = true)
    {
        VmaStartWrite(mm, vma);
        mm.Remove(vma);
        VmaMarkDetached(mm, vma);
        Policies.Put(vma.VmPolicy);
        vma.VmPolicy = null;
        var mapping = vma.Mapping;
        var obj = mapping.Object;
        if (unmapPages)
        {
            ulong first = vma.ObjectIndex(vma.Start), count = (vma.End - vma.Start) >> obj.PageShift;
            bool anonPrivate = !obj.IsShmem && !obj.HugeTlb;
            for (ulong i = first; i < first + count; i++)
            {
                ZapPte(mapping, i);
                if (anonPrivate) FreePage(obj, i);   // private pages die with their only mapping
            }
        }
        if (--mapping.VmaCount == 0)
        {
            obj.RemoveMapping(mapping);
            obj.Policy?.Detach(mapping);
            if (mapping.Segment is null && obj.IsShmem && obj.Mappings.Length == 0) DestroySharedAnon(obj);
        }
        if (mapping.Segment is { } seg && Interlocked.Decrement(ref seg.NattchCount) == 0 && seg.Destroyed) DestroySegment(seg);
    }

    /// <summary>zap_present_pte(): unmap one page; a dirty pte passes its dirty bit on to the folio.</summary>
    private static void ZapPte(Mapping mapping, ulong idx)
    {
        if (mapping.Mapped[idx] == Mapping.PteDirty && Volatile.Read(ref mapping.Object.Pages[idx]) >= 0)
            Interlocked.Or(ref mapping.Object.Pages[idx], MemObject.DirtyBit);
        mapping.Mapped[idx] = Mapping.PteNone;
    }

    /// <summary>Take page <paramref name="idx"/> out of the object and give its memory back.</summary>
    private void FreePage(MemObject obj, ulong idx)
    {
        int old = Interlocked.Exchange(ref obj.Pages[idx], -1);
        if (old >= 0) Pages.Release(old & MemObject.NodeMask);
    }

    /// <summary>
    /// do_vmi_munmap() over [start, end): split the vmas at the edges, then remove every vma inside.
    /// Caller holds the mmap lock for write.
    /// </summary>
    internal void UnmapRange(Mm mm, ulong start, ulong end)
    {
        int i = mm.IndexAfter(start);
        while (i < mm.Vmas.Count && mm.Vmas[i].Start < end)
        {
            var v = mm.Vmas[i];
            if (v.Start < start)
            {
                SplitVma(mm, v, start);
                i++;
                continue;
            }
            if (v.End > end) SplitVma(mm, v, end);
            RemoveVma(mm, v);
        }
    }
}
