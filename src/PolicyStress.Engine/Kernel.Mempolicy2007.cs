using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine;

/// <summary>
/// set_mempolicy(2) and get_mempolicy(2) as 2.6.23 had them (mm/mempolicy.c of 2.6.23/24): modes 0–3 and no
/// mode flags (MPOL_MAX was MPOL_INTERLEAVE), masks checked as subsets rather than intersected, the
/// MAX_NUMNODES-sized user masks of sys_get_mempolicy, and the task policy swapped under no lock at all
/// (bug 1) or under the mmap lock (Lee's fix).
/// </summary>
public sealed partial class Kernel
{
    /// <summary>
    /// Test hook: called inside bug 1's window of <see cref="SetMempolicy2007"/> — the old task policy freed
    /// (its last reference dropped), the task's pointer not yet replaced. Null outside tests.
    /// </summary>
    internal Action<TaskStruct>? SetMempolicyWindow;

    /// <summary>
    /// mpol_check_policy() + mpol_new(), 2.6.23: MPOL_DEFAULT takes no nodes, bind and interleave need some,
    /// and every node must have memory (nodes_subset of N_HIGH_MEMORY; EINVAL otherwise) — then the policy:
    /// none for default, the first node for preferred (none at all: local allocation, preferred_node −1),
    /// the nodes for bind (its zonelist) and interleave.
    /// </summary>
    private int NewPolicy2007(TaskStruct task, MempolicyMode mode, UserNodeMask nodes, out Mempolicy? pol)
    {
        pol = null;
        if (mode == MempolicyMode.Default && !nodes.IsEmpty) return -Errno.EINVAL;
        if (mode is MempolicyMode.Bind or MempolicyMode.Interleave && nodes.IsEmpty) return -Errno.EINVAL;
        if (!nodes.IsSubsetOf(Topology.MemoryNodes)) return -Errno.EINVAL;
        if (mode == MempolicyMode.Default) return 0;
        var p = Policies.Alloc(mode, 0);
        p.Nodes = mode == MempolicyMode.Preferred && !nodes.IsEmpty ? NodeMask.Of(nodes.Low.First) : nodes.Low;
        p.CpusetMemsAllowed = task.MemsAllowed;   // cpuset_mems_allowed(current), what a rebind remaps from
        pol = p;
        return 0;
    }

    /// <summary>
    /// sys_set_mempolicy() + do_set_mempolicy(), 2.6.23: the mode first (0..MPOL_MAX), then get_nodes(), then
    /// contextualize_policy() — the nodes must be a subset of mems_allowed, EINVAL otherwise — and the policy.
    /// The swap is the kernel's own two lines, <c>mpol_free(current-&gt;mempolicy); current-&gt;mempolicy =
    /// new;</c>: with bug 1 they run under no lock, so between them the task's pointer names a freed policy
    /// that another task's numa_maps may be about to take a reference on; Lee's fix (Dec 2007) holds the mmap
    /// lock for write over them, which excludes show_numa_map().
    /// </summary>
    private int SetMempolicy2007(TaskStruct task, int mode, ulong[]? nmask, ulong maxnode)
    {
        if ((uint)mode > (uint)MempolicyMode.Interleave) return -Errno.EINVAL;   // mode < 0 || mode > MPOL_MAX
        int err = UserNodeMask.TryParse(nmask, maxnode, out var nodes);
        if (err != 0) return err;
        if (!nodes.IsSubsetOf(task.MemsAllowed)) return -Errno.EINVAL;   // cpuset_nodes_subset_current_mems_allowed()
        err = NewPolicy2007(task, (MempolicyMode)mode, nodes, out var pol);
        if (err != 0) return err;

        bool locked = !Bug(Bugs2007.SetMempolicyUnlocked);
        if (locked) task.Mm.MmapLock.EnterWriteLock();
        try
        {
            Policies.Put(task.Policy);   // mpol_free(current->mempolicy): the pointer still names it...
            SetMempolicyWindow?.Invoke(task);
            task.Policy = pol;           // ...until this store
            if (pol is { Mode: MempolicyMode.Interleave }) task.IlPrev = pol.Nodes.First - 1;   // il_next = first_node(nodes)
        }
        finally
        {
            if (locked) task.Mm.MmapLock.ExitWriteLock();
        }
        Quiescent(task);
        return 0;
    }

    /// <summary>
    /// sys_get_mempolicy() + do_get_mempolicy(), 2.6.23: EINVAL for a mask array shorter than MAX_NUMNODES
    /// bits and for any flag but MPOL_F_NODE and MPOL_F_ADDR (MPOL_F_MEMS_ALLOWED came with 2.6.24). With
    /// MPOL_F_ADDR the vma's get_policy op answers — for shmem a tree lookup that takes a reference nobody
    /// drops (a leak, <see cref="Bugs2007.GetMempolicyLeak"/>), for a SHM_HUGETLB segment its vma policy or
    /// the caller's task policy — or else its vm_policy; MPOL_F_NODE|MPOL_F_ADDR faults the page in with the
    /// mmap lock still held (lookup_node). The mask is read after the mmap lock is dropped (get_zonemask).
    /// </summary>
    private int GetMempolicy2007(TaskStruct task, out int mode, ulong[]? nmask, ulong maxnode, ulong addr, uint flags)
    {
        mode = 0;
        if (nmask is not null && maxnode < UserNodeMask.MaxNumNodes) return -Errno.EINVAL;
        if ((flags & ~(MpolFlags.FNode | MpolFlags.FAddr)) != 0) return -Errno.EINVAL;

        var mm = task.Mm;
        Mempolicy? pol = task.Policy;
        bool referenced = false, locked = false;
        try
        {
            if ((flags & MpolFlags.FAddr) != 0)
            {
                mm.MmapLock.EnterReadLock();
                locked = true;
                var vma = mm.FindVma(addr);   // find_vma_intersection(mm, addr, addr + 1)
                if (vma is null) return -Errno.EFAULT;
                pol = vma.HasGetPolicyOp ? GetPolicyOp2007(task, vma, addr, out referenced) : vma.VmPolicy;
                if ((flags & MpolFlags.FNode) != 0)
                {
                    int nid = FaultIn(task, vma, addr, write: false);   // lookup_node(): get_user_pages of one page
                    if (nid < 0) return nid;
                    mode = nid;
                }
            }
            else if (addr != 0)
            {
                return -Errno.EINVAL;
            }
            pol ??= DefaultPolicy;
            int gen = Volatile.Read(ref pol.Generation);

            if ((flags & MpolFlags.FNode) == 0) mode = (int)pol.Mode;
            else if ((flags & MpolFlags.FAddr) == 0)
            {
                if (pol != task.Policy || pol.Mode != MempolicyMode.Interleave) return -Errno.EINVAL;
                mode = pol.Nodes.NextIn(task.IlPrev);   // current->il_next
            }
            if (locked)
            {
                mm.MmapLock.ExitReadLock();
                locked = false;
            }
            if (nmask is null) return 0;
            // get_zonemask() after up_read(): nothing keeps a vma policy alive here against another thread's
            // mbind of the same mm — a 2.6.23 use-after-free the auditor sees (later kernels read under the lock).
            PausePoint?.Invoke(task, pol);
            var nodes = Zonemask2007(pol);
            Policies.CheckUse(pol, gen);
            return CopyNodes(nmask, maxnode, UserNodeMask.FromNodeMask(nodes), UserNodeMask.MaxNumNodes);
        }
        finally
        {
            if (locked) mm.MmapLock.ExitReadLock();
            // 2.6.23 never dropped get_policy's reference; later kernels do (mpol_cond_put in do_get_mempolicy).
            if (referenced && !Bug(Bugs2007.GetMempolicyLeak)) Policies.Put(pol);
            Quiescent(task);
        }
    }

    /// <summary>get_zonemask(), 2.6.23: bind's zonelist nodes, interleave's nodes, the preferred node — or,
    /// for local allocation (preferred_node &lt; 0), every node with memory — and nothing for default.</summary>
    private NodeMask Zonemask2007(Mempolicy pol) => pol.Mode switch
    {
        MempolicyMode.Bind or MempolicyMode.Interleave => pol.Nodes,
        MempolicyMode.Preferred => pol.Nodes.IsEmpty ? Topology.MemoryNodes : pol.Nodes,
        _ => NodeMask.Empty,
    };
}
