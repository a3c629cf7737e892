using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Harness.Workloads;

/// <summary>shmat and shmdt of the shared segment in turn: vma-held schemes take and drop every policy's reference.</summary>
public sealed class AttachChurn(Kernel kernel, TaskStruct task, int shmid, int rate) : Writer(kernel, task, WriterKind.Attach, rate)
{
    private ulong _view;

    public override bool Step(long n)
    {
        if (_view == 0)
        {
            long a = Kernel.Shmat(Task, shmid, 0, 0);
            if (a < 0) return false;
            _view = (ulong)a;
            return true;
        }
        int r = Kernel.Shmdt(Task, _view);
        _view = 0;
        return r == 0;
    }
}
