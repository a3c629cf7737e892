using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine;

public sealed partial class Kernel
{
    /// <summary>
    /// sanitize_mpol_flags(): split the mode argument into mode and mode flags; EINVAL for a mode past
    /// MPOL_MAX, static together with relative, or numa-balancing with a mode other than bind and
    /// preferred-many. (2.6.23 had neither mode flags nor this function: see Kernel.Mempolicy2007.cs.)
    /// </summary>
    private static int SanitizeModeFlags(int modeArg, out MempolicyMode mode, out ushort flags)
    {
        flags = (ushort)(modeArg & MpolFlags.ModeFlags);
        int m = modeArg & ~MpolFlags.ModeFlags;
        mode = (MempolicyMode)(m & 0xFFFF);
        if ((uint)m >= MpolFlags.MaxMode) return -Errno.EINVAL;
        if ((flags & MpolFlags.StaticNodes) != 0 && (flags & MpolFlags.RelativeNodes) != 0) return -Errno.EINVAL;
        if ((flags & MpolFlags.NumaBalancing) != 0)
        {
            if (mode is not (MempolicyMode.Bind or MempolicyMode.PreferredMany)) return -Errno.EINVAL;
            flags |= MpolFlags.Mof | MpolFlags.Moron;
        }
        return 0;
    }

    /// <summary>
    /// mpol_new() + mpol_set_nodemask(): validate the mask against the mode, create the policy (refcnt 1)
    /// and contextualise its nodes in the task's cpuset. A null result with 0 means MPOL_DEFAULT.
    /// </summary>
    private int NewPolicy(TaskStruct task, MempolicyMode mode, ushort flags, UserNodeMask nodes, out Mempolicy? pol)
    {
        pol = null;
        if (mode == MempolicyMode.Default)
            return nodes.IsEmpty ? 0 : -Errno.EINVAL;
        if (mode == MempolicyMode.Preferred && nodes.IsEmpty)
        {
            if ((flags & (MpolFlags.StaticNodes | MpolFlags.RelativeNodes)) != 0) return -Errno.EINVAL;
            mode = MempolicyMode.Local;
        }
        else if (mode == MempolicyMode.Local)
        {
            if (!nodes.IsEmpty || (flags & (MpolFlags.StaticNodes | MpolFlags.RelativeNodes)) != 0) return -Errno.EINVAL;
        }
        else if (nodes.IsEmpty)
        {
            return -Errno.EINVAL;
        }

        var p = Policies.Alloc(mode, flags);
        int err = SetNodemask(task, p, nodes);
        if (err != 0)
        {
            Policies.Put(p);
            return err;
        }
        pol = p;
        return 0;
    }

    /// <summary>
    /// mpol_set_nodemask(): intersect with mems_allowed ∩ N_MEMORY (or fold and map onto it for relative
    /// nodes), remember the user's mask or the cpuset it was computed in, and apply the mode's create():
    /// an empty result is EINVAL; preferred keeps only its first node.
    /// </summary>
    private int SetNodemask(TaskStruct task, Mempolicy pol, UserNodeMask nodes)
    {
        if (pol.Mode == MempolicyMode.Local) return 0;
        var allowed = task.MemsAllowed.And(Topology.MemoryNodes);
        NodeMask effective = (pol.Flags & MpolFlags.RelativeNodes) != 0
            ? nodes.Fold(allowed.Weight).Onto(allowed)
            : nodes.Low.And(allowed);
        if (pol.StoresUserNodemask) pol.UserNodemask = nodes;
        else pol.CpusetMemsAllowed = task.MemsAllowed;
        if (effective.IsEmpty) return -Errno.EINVAL;
        pol.Nodes = pol.Mode == MempolicyMode.Preferred ? NodeMask.Of(effective.First) : effective;
        return 0;
    }

    /// <summary>
    /// set_mempolicy(2): the new policy replaces the task's under task_lock, which is what other tasks that
    /// read it (numa_maps) take; task-level interleave restarts (il_prev = MAX_NUMNODES − 1, il_weight = 0).
    /// </summary>
    public int SetMempolicy(TaskStruct task, int mode, ulong[]? nmask, ulong maxnode)
    {
        if (Era2007) return SetMempolicy2007(task, mode, nmask, maxnode);
        int err = SanitizeModeFlags(mode, out var m, out var flags);
        if (err != 0) return err;
        err = UserNodeMask.TryParse(nmask, maxnode, out var nodes);
        if (err != 0) return err;
        err = NewPolicy(task, m, flags, nodes, out var pol);
        if (err != 0) return err;

        Mempolicy? old;
        lock (task.TaskLock)
        {
            old = task.Policy;
            task.Policy = pol;
            task.IlPrev = UserNodeMask.MaxNumNodes - 1;
            task.IlWeight = 0;
        }
        Policies.Put(old);
        Quiescent(task);
        return 0;
    }

    /// <summary>
    /// get_mempolicy(2): the task policy, or with MPOL_F_ADDR the policy of the vma (or shared tree) at
    /// <paramref name="addr"/> without task fallback; MPOL_F_NODE returns a node instead of a mode (the node
    /// of the page at addr, faulting it in, or the next task-interleave node); MPOL_F_MEMS_ALLOWED returns
    /// the cpuset's nodes. <paramref name="nmask"/> gets the user's mask for static/relative policies.
    /// As do_get_mempolicy() does, MPOL_F_ADDR holds the mmap lock (read) until the mode and mask are read
    /// and the lookup reference is dropped; only MPOL_F_NODE drops it early, with an explicit reference on
    /// the policy, to fault the page in.
    /// </summary>
    public int GetMempolicy(TaskStruct task, out int mode, ulong[]? nmask, ulong maxnode, ulong addr, uint flags)
    {
        if (Era2007) return GetMempolicy2007(task, out mode, nmask, maxnode, addr, flags);
        mode = 0;
        if (nmask is not null && maxnode < (ulong)Topology.NodeCount) return -Errno.EINVAL;   // < nr_node_ids
        if ((flags & ~(MpolFlags.FNode | MpolFlags.FAddr | MpolFlags.FMemsAllowed)) != 0) return -Errno.EINVAL;

        if ((flags & MpolFlags.FMemsAllowed) != 0)
        {
            if ((flags & (MpolFlags.FNode | MpolFlags.FAddr)) != 0) return -Errno.EINVAL;
            return CopyNodes(nmask, maxnode, UserNodeMask.FromNodeMask(task.MemsAllowed), Topology.NodeCount);
        }

        var mm = task.Mm;
        Mempolicy? pol = task.Policy;
        Mempolicy? polRefcount = null;   // pol_refcount: the explicit reference of MPOL_F_NODE|MPOL_F_ADDR
        bool locked = false, condPut = false;
        int gen = 0;
        try
        {
            if ((flags & MpolFlags.FAddr) != 0)
            {
                mm.MmapLock.EnterReadLock();
                locked = true;
                var vma = mm.FindVma(addr);
                if (vma is null) return -Errno.EFAULT;
                pol = VmaPolicyAt(task, vma, addr, out _, out gen);
                condPut = TakesLookupRefs;   // a shared-tree result carries the lookup's reference
            }
            else if (addr != 0)
            {
                return -Errno.EINVAL;
            }
            pol ??= DefaultPolicy;
            if (gen == 0) gen = Volatile.Read(ref pol.Generation);   // a vma or task policy: stable under our locks
            PausePoint?.Invoke(task, pol);

            if ((flags & MpolFlags.FNode) != 0)
            {
                if ((flags & MpolFlags.FAddr) != 0)
                {
                    polRefcount = pol;
                    Policies.Get(pol);   // "Take a refcount on the mpol, because we are about to drop the mmap_lock"
                    mm.MmapLock.ExitReadLock();
                    locked = false;
                    int nid = Fault(task, addr, write: false);   // lookup_node(): get_user_pages of one page
                    if (nid < 0) return nid;
                    mode = nid;
                }
                else if (pol == task.Policy && pol.Mode == MempolicyMode.Interleave)
                {
                    mode = pol.Nodes.NextIn(task.IlPrev);
                }
                else if (pol == task.Policy && pol.Mode == MempolicyMode.WeightedInterleave)
                {
                    mode = task.IlWeight != 0 ? task.IlPrev : pol.Nodes.NextIn(task.IlPrev);
                }
                else
                {
                    return -Errno.EINVAL;
                }
            }
            else
            {
                mode = pol == DefaultPolicy ? 0 : (int)pol.Mode;
                mode |= pol.Flags & MpolFlags.ModeFlags;   // internal flags never reach user space
            }

            UserNodeMask? result = nmask is null ? null : pol.StoresUserNodemask
                ? pol.UserNodemask!
                : UserNodeMask.FromNodeMask(pol == DefaultPolicy || pol.Mode is MempolicyMode.Local ? NodeMask.Empty : pol.Nodes);
            Policies.CheckUse(pol, gen);   // the mode and mask came from a live policy (vma-held schemes: maybe not)
            return result is null ? 0 : CopyNodes(nmask, maxnode, result, Topology.NodeCount);
        }
        finally
        {
            if (condPut) Policies.DropLookupRef(pol, task);   // mpol_cond_put(pol), still under the mmap lock
            if (locked) mm.MmapLock.ExitReadLock();
            if (polRefcount is not null) Policies.Put(polRefcount);
            Quiescent(task);
        }
    }

    /// <summary>
    /// copy_nodes_to_user(): ALIGN(maxnode - 1, 64) bits are the caller's; only the first
    /// BITS_TO_LONGS(<paramref name="nrNodeIds"/>) words carry the mask and the rest are cleared (EINVAL past
    /// a page, EFAULT when the array is too short). So bits of a static/relative user mask beyond nr_node_ids
    /// never reach user space, though the policy keeps them (Ralph Campbell's 2019 nr_node_ids change; 2.6.23
    /// copied MAX_NUMNODES bits).
    /// </summary>
    private static int CopyNodes(ulong[]? nmask, ulong maxnode, UserNodeMask nodes, int nrNodeIds)
    {
        if (nmask is null) return 0;
        ulong copy = unchecked(maxnode - 1 + 63) / 64 * 8;
        ulong nbytes = (ulong)((nrNodeIds + 63) / 64) * 8;
        if (copy > nbytes)
        {
            if (copy > PageSize) return -Errno.EINVAL;
            if ((ulong)nmask.Length * 8 < copy) return -Errno.EFAULT;   // clear_user() of the tail
            Array.Clear(nmask, (int)(nbytes / 8), (int)((copy - nbytes) / 8));
            copy = nbytes;
        }
        if ((ulong)nmask.Length * 8 < copy) return -Errno.EFAULT;
        nodes.CopyTo(nmask, copy / 8 * 64 + 1);
        return 0;
    }
}
