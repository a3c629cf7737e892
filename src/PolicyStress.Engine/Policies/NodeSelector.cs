using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Engine.Policies;

/// <summary>
/// Which node an allocation lands on: policy_nodemask() and the interleave helpers of mm/mempolicy.c,
/// followed by the page allocator's walk of the start node's zonelist (nearest first) restricted to the
/// policy's nodemask. Pure functions of (policy, interleave index, task, topology) except the task-level
/// interleave state, which belongs to the calling task.
/// </summary>
public static class NodeSelector
{
    /// <summary>NO_INTERLEAVE_INDEX: the allocation has no vma/object offset (task-level interleave).</summary>
    public const ulong NoInterleaveIndex = ulong.MaxValue;

    /// <summary>interleave_nid(): the (ilx mod weight)-th node of the mask; local node if empty.</summary>
    public static int InterleaveNid(Mempolicy pol, ulong ilx, int localNode)
    {
        var nodes = pol.Nodes;
        int n = nodes.Weight;
        return n == 0 ? localNode : nodes.Nth((int)(ilx % (ulong)n));
    }

    /// <summary>weighted_interleave_nid(): walk the nodes subtracting weights from ilx mod Σweights.</summary>
    public static int WeightedInterleaveNid(Mempolicy pol, ulong ilx, int localNode, NumaTopology topo)
    {
        var nodes = pol.Nodes;
        if (nodes.IsEmpty) return localNode;
        ulong total = 0;
        for (int nid = nodes.First; nid < NodeMask.MaxNodes; nid = nodes.Next(nid)) total += (ulong)topo.WeightOf(nid);
        ulong target = ilx % total;
        int node = nodes.First;
        while (target >= (ulong)topo.WeightOf(node))
        {
            target -= (ulong)topo.WeightOf(node);
            node = nodes.NextIn(node);
        }
        return node;
    }

    /// <summary>interleave_nodes(): task round robin, il_prev advances to the next node of the mask.</summary>
    public static int InterleaveNodes(Mempolicy pol, TaskStruct task)
    {
        int nid = pol.Nodes.NextIn(task.IlPrev);
        if (nid < NodeMask.MaxNodes) task.IlPrev = nid;
        return nid;
    }

    /// <summary>weighted_interleave_nodes(): stay on il_prev for its weight, then move on.</summary>
    public static int WeightedInterleaveNodes(Mempolicy pol, TaskStruct task, NumaTopology topo)
    {
        int node = task.IlPrev;
        if (task.IlWeight == 0 || !pol.Nodes.Contains(node))
        {
            node = pol.Nodes.NextIn(node);
            if (node == NodeMask.MaxNodes) return node;
            task.IlPrev = node;
            task.IlWeight = topo.WeightOf(node);
        }
        task.IlWeight--;
        return node;
    }

    /// <summary>
    /// alloc_pages_mpol(): choose the start node and nodemask from the policy (policy_nodemask), then take the
    /// first node of that node's zonelist that is allowed and has a free page. Returns the node, or -ENOMEM.
    /// A user page allocation is hardwalled to the task's cpuset (prepare_alloc_pages(): with no policy
    /// nodemask, cpuset_current_mems_allowed is the nodemask; with one, ALLOC_CPUSET filters each zone; 2.6.23:
    /// __alloc_pages() with ALLOC_CPUSET and GFP_HIGHUSER's __GFP_HARDWALL), so every walk is cut to
    /// mems_allowed — and a bind mask with no node left in the cpuset is not applied at all
    /// (cpuset_nodemask_valid_mems_allowed; 2.6.23 zonelist_policy's fall through to the local zonelist when
    /// cpuset_zonelist_valid_mems_allowed fails). A preferred policy with no node (2.6.23's local allocation,
    /// preferred_node −1) starts at the local node, as zonelist_policy() has it; modern kernels make it
    /// MPOL_LOCAL instead.
    /// </summary>
    internal static int Allocate(Mempolicy pol, ulong ilx, TaskStruct task, PageAllocator pages, bool era2007)
    {
        var topo = pages.Topology;
        var mems = task.MemsAllowed;
        int nid = task.LocalNode;
        switch (pol.Mode)
        {
            case MempolicyMode.Preferred:
                return pages.AllocFrom(pol.Nodes.IsEmpty ? nid : pol.Nodes.First, mems);
            case MempolicyMode.PreferredMany:
            {
                if (pol.HomeNode >= 0) nid = pol.HomeNode;
                int got = pages.AllocFrom(nid, pol.Nodes.And(mems));   // first without reclaim inside the mask...
                return got >= 0 ? got : pages.AllocFrom(nid, mems);     // ...then anywhere the cpuset allows
            }
            case MempolicyMode.Bind:
            {
                var bound = pol.Nodes.And(mems);
                if (era2007) return bound.IsEmpty ? pages.AllocFrom(nid, mems) : pages.AllocNumericOrder(bound);  // bind_zonelist(): node order
                if (pol.HomeNode >= 0) nid = pol.HomeNode;
                return pages.AllocFrom(nid, bound.IsEmpty ? mems : bound);
            }
            case MempolicyMode.Interleave:
                nid = ilx == NoInterleaveIndex ? InterleaveNodes(pol, task) : InterleaveNid(pol, ilx, task.LocalNode);
                return pages.AllocFrom(nid, mems);
            case MempolicyMode.WeightedInterleave:
                nid = ilx == NoInterleaveIndex
                    ? WeightedInterleaveNodes(pol, task, topo)
                    : WeightedInterleaveNid(pol, ilx, task.LocalNode, topo);
                return pages.AllocFrom(nid, mems);
            default:   // Local, Default (2007 default_policy), preferred_node_policy handled as Preferred
                return pages.AllocFrom(nid, mems);
        }
    }
}
