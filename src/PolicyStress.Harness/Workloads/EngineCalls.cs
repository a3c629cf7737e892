using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Harness.Workloads;

/// <summary>Setup-time engine calls that must succeed; a failure here is a harness or engine bug, not a result.</summary>
internal static class EngineCalls
{
    public const ulong Page = Kernel.PageSize;

    public static long Check(long r, string what) =>
        r >= 0 ? r : throw new InvalidOperationException($"{what} failed: {Errno.Name(r)}");

    /// <summary>shmget(IPC_PRIVATE) of <paramref name="pages"/> pages, mode 0600.</summary>
    public static int CreateSegment(Kernel k, TaskStruct t, ulong pages, bool huge = false) =>
        (int)Check(k.Shmget(t, ShmFlags.IpcPrivate, pages * (huge ? ShmFlags.HugePageSize : Page),
            ShmFlags.IpcCreat | ShmFlags.Mode0600 | (huge ? ShmFlags.ShmHugetlb : 0)), "shmget");

    public static ulong Attach(Kernel k, TaskStruct t, int shmid) => (ulong)Check(k.Shmat(t, shmid, 0, 0), "shmat");

    /// <summary>A node mask of every memory node, in the user ABI form (maxnode <see cref="UserNodeMask.OneWordMaxNode"/>).</summary>
    public static ulong[] AllNodes(Kernel k) => [k.Topology.MemoryNodes.Bits];

    public static ulong[] OneNode(Kernel k, int i)
    {
        var mem = k.Topology.MemoryNodes;
        return [NodeMask.Of(mem.Nth(i % mem.Weight)).Bits];
    }

    public static void Mbind(Kernel k, TaskStruct t, ulong addr, ulong len, MempolicyMode mode, ulong[] mask) =>
        Check(k.Mbind(t, addr, len, (int)mode, mask, UserNodeMask.OneWordMaxNode, 0), "mbind");

    /// <summary>
    /// The faulting tasks: one process per task (process model) or groups of <paramref name="perMm"/> threads
    /// sharing one mm (thread model). <paramref name="leader"/>[i] is true for the first task of each mm.
    /// </summary>
    public static TaskStruct[] Faulters(Kernel k, int[] cpus, int perMm, out bool[] leader)
    {
        var tasks = new TaskStruct[cpus.Length];
        leader = new bool[cpus.Length];
        perMm = Math.Max(1, perMm);
        for (int i = 0; i < cpus.Length; i++)
        {
            leader[i] = i % perMm == 0;
            tasks[i] = leader[i] ? k.CreateProcess(cpus[i]) : k.CreateThread(tasks[i - i % perMm], cpus[i]);
        }
        return tasks;
    }
}
