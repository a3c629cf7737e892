using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Engine.Tests;

/// <summary>A kernel of one scheme with two processes and one SysV segment, for refcount tests.</summary>
internal sealed class SchemeFixture
{
    public const ulong Page = Kernel.PageSize;
    public readonly Kernel Kernel;
    public readonly TaskStruct Task1, Task2;
    public readonly int ShmId;
    public readonly ShmSegment Segment;

    public SchemeFixture(RefScheme scheme, SpLockKind spLock = SpLockKind.RwLock, ulong pages = 100, Bugs2007 bugs = Bugs2007.None, int nodes = 4)
    {
        Kernel = new Kernel(NumaTopology.Uniform(nodes, 1), new KernelConfig { Scheme = scheme, SpLock = spLock, Bugs = bugs });
        Task1 = Kernel.CreateProcess(0);
        Task2 = Kernel.CreateProcess(1 % nodes);
        ShmId = Kernel.Shmget(Task1, ShmFlags.IpcPrivate, pages * Page, ShmFlags.IpcCreat);
        Assert.True(ShmId >= 0);
        Segment = Kernel.Segment(ShmId)!;
    }

    public ulong Attach(TaskStruct t)
    {
        long a = Kernel.Shmat(t, ShmId, 0, 0);
        Assert.True(a > 0, $"shmat: {Errno.Name(a)}");
        return (ulong)a;
    }

    public void Mbind(TaskStruct t, ulong view, ulong firstPage, ulong pages, MempolicyMode mode, params int[] nodes)
    {
        int r = Kernel.Mbind(t, view + firstPage * Page, pages * Page, (int)mode, [NodeMask.Of(nodes).Bits], UserNodeMask.OneWordMaxNode, 0);
        Assert.True(r == 0, $"mbind: {Errno.Name(r)}");
    }

    public List<(ulong Start, ulong End, Mempolicy Policy, int RefCount)> Tree => Segment.Object.Policy!.Nodes();

    public int[] TreeRefs => Tree.Select(n => n.RefCount).ToArray();

    public void AssertClean()
    {
        var a = Kernel.Audit();
        Assert.True(a.Findings == 0, a.ToString());
    }
}
