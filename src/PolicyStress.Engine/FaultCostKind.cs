namespace PolicyStress.Engine;

/// <summary>
/// <c>--fault-cost</c>: what an allocating fault spends besides the policy lookup the model is about.
/// </summary>
public enum FaultCostKind
{
    /// <summary>Only the policy path (lookup, reference, node choice) and the page word: the model's own 30–60 ns.</summary>
    Isolated,
    /// <summary>
    /// Also what the kernel does on the same fault, each piece a method named after its kernel function:
    /// clear_page, the page-cache insert under the inode's xa_lock, shmem_recalc_inode's info->lock (2.6.23:
    /// shmem_getpage's info->lock and the tree_lock insert), the punch's i_rwsem and i_mmap lock, and the
    /// rest of a real fault (trap, page tables, memcg, LRU, rmap) as calibrated private work.
    /// </summary>
    Kernel,
}
