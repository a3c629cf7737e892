using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using static PolicyStress.Harness.Workloads.EngineCalls;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// A process with an interleave task policy that creates a two-huge-page SHM_HUGETLB segment per step,
/// attaches it, faults it — under its task policy on even steps (bug 2b's path), under a vma policy set by
/// mbind on odd steps (bug 3's path) — and destroys it, which is how huge pages are given back.
/// </summary>
public sealed class HugeTlbFaulter : Writer
{
    private const ulong HugePages = 2;
    private readonly ulong[] _all, _one;

    public HugeTlbFaulter(Kernel kernel, TaskStruct task, int rate) : base(kernel, task, WriterKind.HugeTlb, rate)
    {
        _all = AllNodes(kernel);
        _one = OneNode(kernel, 0);
        Check(kernel.SetMempolicy(task, (int)MempolicyMode.Interleave, _all, UserNodeMask.OneWordMaxNode), "set_mempolicy");
    }

    public override bool Step(long n)
    {
        int id = Kernel.Shmget(Task, ShmFlags.IpcPrivate, HugePages * ShmFlags.HugePageSize, ShmFlags.IpcCreat | ShmFlags.ShmHugetlb | ShmFlags.Mode0600);
        if (id < 0) return false;
        bool ok = true;
        long a = Kernel.Shmat(Task, id, 0, 0);
        if (a >= 0)
        {
            ulong view = (ulong)a, len = HugePages * ShmFlags.HugePageSize;
            if (n % 2 == 1)
            {
                bool interleave = n % 4 == 1;
                ok = Kernel.Mbind(Task, view, len, (int)(interleave ? MempolicyMode.Interleave : MempolicyMode.Preferred),
                    interleave ? _all : _one, UserNodeMask.OneWordMaxNode, 0) == 0;
            }
            for (ulong p = 0; p < HugePages; p++) ok &= Kernel.Fault(Task, view + p * ShmFlags.HugePageSize) >= 0;
            ok &= Kernel.Shmdt(Task, view) == 0;
        }
        else ok = false;
        ok &= Kernel.ShmctlRmid(Task, id) == 0;
        return ok;
    }
}
