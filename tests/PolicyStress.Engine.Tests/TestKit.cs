using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Engine.Tests;

/// <summary>Small builders shared by the engine tests: masks, topologies, segments and mode numbers.</summary>
internal static class TestKit
{
    public const ulong Page = Kernel.PageSize;
    public const ulong MaxNode = UserNodeMask.OneWordMaxNode;

    public const int Default = (int)MempolicyMode.Default;
    public const int Preferred = (int)MempolicyMode.Preferred;
    public const int Bind = (int)MempolicyMode.Bind;
    public const int Interleave = (int)MempolicyMode.Interleave;
    public const int Local = (int)MempolicyMode.Local;
    public const int PreferredMany = (int)MempolicyMode.PreferredMany;
    public const int WeightedInterleave = (int)MempolicyMode.WeightedInterleave;

    public static ulong[] Mask(params int[] nodes) => [NodeMask.Of(nodes).Bits];

    /// <summary>Four nodes, one CPU each (CPU n on node n), distance 10/20/30/40 along a line.</summary>
    public static Kernel FourNodes(KernelConfig? config = null) => new(NumaTopology.Uniform(4, 1), config);

    /// <summary><see cref="FourNodes"/> running the 2.6.23 kernel, with <paramref name="bugs"/> switched on.</summary>
    public static Kernel Kernel2007(Refcounting.Bugs2007 bugs = Refcounting.Bugs2007.None) =>
        FourNodes(new KernelConfig { Scheme = Refcounting.RefScheme.Lookup2007, Bugs = bugs });

    /// <summary>
    /// A 4-node machine whose nearest neighbours are not the numerically adjacent nodes, so that a test can
    /// tell "nearest first" from "numeric order" (asymmetric on purpose):
    /// node 0 → 0,3,1,2; node 1 → 1,2,0,3; node 2 → 2,1,3,0; node 3 → 3,0,2,1.
    /// </summary>
    public static NumaTopology Skewed(long capacityPerNode = NumaTopology.Unlimited) =>
        new([0, 1, 2, 3],
            new[,]
            {
                { 10, 22, 28, 16 },
                { 21, 10, 16, 28 },
                { 28, 16, 10, 22 },
                { 16, 28, 22, 10 },
            },
            capacityPerNode == NumaTopology.Unlimited ? null : [capacityPerNode, capacityPerNode, capacityPerNode, capacityPerNode]);

    /// <summary>shmget(IPC_PRIVATE, pages) + shmat at a free address; returns the segment and the address.</summary>
    public static (ShmSegment Seg, ulong Addr) NewSegment(Kernel k, TaskStruct t, ulong pages)
    {
        int id = k.Shmget(t, ShmFlags.IpcPrivate, pages * Page, ShmFlags.IpcCreat | ShmFlags.Mode0600);
        Assert.True(id >= 0, $"shmget: {Errno.Name(id)}");
        long addr = k.Shmat(t, id, 0, 0);
        Assert.True(addr > 0, $"shmat: {Errno.Name(addr)}");
        return (k.Segment(id)!, (ulong)addr);
    }

    public static ulong MapAnon(Kernel k, TaskStruct t, ulong pages, bool shared = false)
    {
        long addr = k.Mmap(t, 0, pages * Page, Kernel.MapAnonymous | (shared ? Kernel.MapShared : Kernel.MapPrivate));
        Assert.True(addr > 0, $"mmap: {Errno.Name(addr)}");
        return (ulong)addr;
    }

    /// <summary>get_mempolicy(MPOL_F_ADDR): the mode (with mode flags) and the first word of the mask.</summary>
    public static (int Err, int Mode, ulong Nodes) PolicyAt(Kernel k, TaskStruct t, ulong addr)
    {
        var nm = new ulong[1];
        int err = k.GetMempolicy(t, out int mode, nm, MaxNode, addr, MpolFlags.FAddr);
        return (err, mode, nm[0]);
    }

    public static void AssertClean(Kernel k)
    {
        var a = k.Audit();
        Assert.True(a.Findings == 0, a.ToString());
    }
}
