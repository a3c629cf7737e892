using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using static PolicyStress.Harness.Workloads.EngineCalls;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// set_mempolicy in a cycle (interleave, preferred, bind, default) followed by a task-policy allocation;
/// the numa_maps reader reads this task, so bug 1 (the swap without mmap_sem) has a reader to race.
/// </summary>
public sealed class SetMempolicyChurn : Writer
{
    private readonly ulong[] _all, _one;

    public SetMempolicyChurn(Kernel kernel, TaskStruct task, int rate) : base(kernel, task, WriterKind.SetMempolicy, rate)
    {
        _all = AllNodes(kernel);
        _one = OneNode(kernel, 0);
    }

    public override bool Step(long n)
    {
        int r = (n % 4) switch
        {
            0 => Kernel.SetMempolicy(Task, (int)MempolicyMode.Interleave, _all, UserNodeMask.OneWordMaxNode),
            1 => Kernel.SetMempolicy(Task, (int)MempolicyMode.Preferred, _one, UserNodeMask.OneWordMaxNode),
            2 => Kernel.SetMempolicy(Task, (int)MempolicyMode.Bind, _all, UserNodeMask.OneWordMaxNode),
            _ => Kernel.SetMempolicy(Task, (int)MempolicyMode.Default, null, 0),
        };
        return r == 0 && Kernel.AllocTaskPage(Task) >= 0;
    }
}
