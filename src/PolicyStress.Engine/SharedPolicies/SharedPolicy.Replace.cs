using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.SharedPolicies;

public sealed partial class SharedPolicy
{
    /// <summary>
    /// mpol_set_shared_policy(): install <paramref name="pol"/> (null = delete) over page offsets
    /// [<paramref name="start"/>, <paramref name="end"/>). Since 2012 the tree gets its own copy
    /// (sp_alloc = mpol_dup + MPOL_F_SHARED); in 2007 it took a reference on the caller's object and marked
    /// nothing: that object is also the caller's vma policy, and MPOL_F_SHARED on it (2.6.26–3.6) made
    /// users of the vma drop references they never took — the bug 869833f2c5c6 fixed, not a 2.6.23 one.
    /// </summary>
    internal int SetPolicy(ulong start, ulong end, Mempolicy? pol)
    {
        SpNode? node = null;
        if (pol is not null)
        {
            Mempolicy np;
            if (_kernel.Era2007)
            {
                Cache.Get(pol);   // sp_alloc() 2007: mpol_get(pol), the object is shared with the vma
                np = pol;
            }
            else
            {
                np = Cache.Dup(pol)!;
                np.Flags |= MpolFlags.Shared;
            }
            node = new SpNode(start, end, np);
        }
        return Replace(start, end, node);
    }

    /// <summary>
    /// shared_policy_replace(), in the kernel's exact order: find the first overlapping node, then for each
    /// node that starts before <paramref name="end"/> delete it (fully covered), trim its head (sticks out
    /// on the right), trim its tail (sticks out on the left), or split it (covers the whole range: trim
    /// first, then insert the right remainder). A split needs a spare node; the lock is dropped to
    /// allocate it and the walk restarts, because the tree may have changed meanwhile.
    /// </summary>
    private int Replace(ulong start, ulong end, SpNode? newNode)
    {
        SpNode? spare = null;       // n_new (2007: new2)
        Mempolicy? sparePol = null; // mpol_new (2013+); unused in 2007, where the spare shares n's policy
        while (true)
        {
            _lock.EnterWrite();
            bool restart = false;
            int i = FirstOverlap(start, end);
            while (i >= 0 && i < _nodes.Count && _nodes[i].Start < end)
            {
                var n = _nodes[i];
                if (n.Start >= start)
                {
                    if (n.End <= end)
                    {
                        DeleteAt(i);   // fully covered; the successor slides into slot i
                        continue;
                    }
                    n.Start = end;     // overlaps the right edge: trim its head
                }
                else if (n.End > end)
                {
                    if (spare is null)
                    {
                        _lock.ExitWrite();
                        if (_kernel.Era2007)
                        {
                            // 2.6.23: sp_alloc(end, n->end, n->policy) reads n outside the lock (the 2012
                            // race fix b22d127a39dd); the copy shares n's policy object.
                            var p = n.Policy;
                            Cache.Get(p);
                            spare = new SpNode(end, n.End, p);
                        }
                        else
                        {
                            spare = new SpNode(0, 0, null!);
                            sparePol = Cache.Alloc(MempolicyMode.Default, 0);   // refcnt 1: the 2022 leak fix
                        }
                        restart = true;
                        break;
                    }
                    ulong oldEnd = n.End;
                    if (!_kernel.Era2007)
                    {
                        sparePol!.CopyFrom(n.Policy);   // *mpol_new = *n->policy; refcnt stays 1
                        spare.Policy = sparePol;
                        sparePol = null;
                        spare.Start = end;
                        spare.End = oldEnd;
                    }
                    n.End = start;     // trim the left part first, or the insert would overlap it
                    Insert(spare);
                    spare = null;
                    break;
                }
                else
                {
                    n.End = start;     // overlaps the left edge: trim its tail
                }
                i++;
            }
            if (restart) continue;
            if (newNode is not null) Insert(newNode);
            Publish();
            _lock.ExitWrite();
            break;
        }
        // Spares left unused because the tree changed while the lock was dropped.
        if (sparePol is not null) Cache.Put(sparePol);
        if (spare is not null && _kernel.Era2007) Cache.Put(spare.Policy);
        _kernel.Reclaim();
        return 0;
    }

    /// <summary>
    /// sp_insert(): descend left while the new node starts before the node at hand, right while it ends
    /// after it, and BUG() when neither — when an existing node contains the new one. Among disjoint nodes
    /// that is the only overlap the descent can meet (it reaches the containing node from any root, so the
    /// rbtree's shape does not matter); a new node that only overlaps a neighbour is linked in without a word,
    /// leaving the tree corrupt, as the kernel would — the quiescent audit then counts the overlap. The BUG
    /// is a tree error here and the node is dropped with its reference, so that the run can go on and report
    /// it. (Once the tree is corrupt, which nodes the kernel's descent visits depends on the rbtree's shape,
    /// which the sorted list does not model.) Internal for tests.
    /// </summary>
    internal void Insert(SpNode node)
    {
        int lo = 0, hi = _nodes.Count - 1;
        while (lo <= hi)   // after every node that starts at or before it: the descent goes right on equal starts
        {
            int mid = (lo + hi) >>> 1;
            if (_nodes[mid].Start <= node.Start) lo = mid + 1;
            else hi = mid - 1;
        }
        if (lo > 0 && _nodes[lo - 1].End >= node.End)   // new.start >= nd.start && new.end <= nd.end: BUG()
        {
            _kernel.Auditor.TreeError();
            Cache.Put(node.Policy);
            return;
        }
        _nodes.Insert(lo, node);
        Volatile.Write(ref _count, _nodes.Count);
        if (VmaHeld && !_literalFigure3)   // Lee's text adds vma references at attach only
            foreach (var m in _attached) HoldFor(m, node.Policy);
    }

    /// <summary>sp_delete(): unlink the node and drop the tree's reference, by the scheme's rules.</summary>
    private void DeleteAt(int i)
    {
        var pol = _nodes[i].Policy;
        _nodes.RemoveAt(i);
        Volatile.Write(ref _count, _nodes.Count);
        Retire(pol);
    }

    /// <summary>
    /// Publish the ranges for lock-free readers, then drop the references of the policies this write
    /// removed. The order matters for snapshot trees: a policy may be retired (and its grace period
    /// start) only once no published copy reaches it — call_rcu after the unlink, never before.
    /// Called with the write lock held.
    /// </summary>
    private void Publish()
    {
        if (_lock.Kind == SpLockKind.Snapshot)
        {
            var snap = new SpRange[_nodes.Count];
            for (int i = 0; i < snap.Length; i++) snap[i] = new SpRange(_nodes[i].Start, _nodes[i].End, _nodes[i].Policy);
            Volatile.Write(ref _published, snap);   // release: readers see fully built ranges
        }
        foreach (var p in _unpublishedPuts) Cache.Put(p);
        _unpublishedPuts.Clear();
    }

    /// <summary>mpol_free_shared_policy(): the object is being evicted; every node goes.</summary>
    internal void FreeAll()
    {
        _lock.EnterWrite();
        while (_nodes.Count > 0) DeleteAt(_nodes.Count - 1);
        _unpublishedPuts.AddRange(_retired);
        _retired.Clear();
        Publish();
        _lock.ExitWrite();
        _kernel.Reclaim();
    }
}
