using System.Globalization;
using PolicyStress.Linux;

namespace PolicyStress.Harness.KernelBackend;

/// <summary>
/// A child process of the kernel backend's process model (<c>policystress kernel-child CTL FIRST COUNT</c>): it
/// asks the kernel to kill it when its parent goes (PR_SET_PDEATHSIG), attaches the control segment and its tasks'
/// segments by id, runs tasks FIRST..FIRST+COUNT-1 as threads of its own mm, waits until the parent has read its
/// numa_maps, detaches and exits: <see cref="KernelRunner.ChildOk"/>, or <see cref="KernelRunner.ChildRefused"/>
/// when the kernel refused a call (the call and errno are in the task's slot).
/// </summary>
public static unsafe class KernelChild
{
    public static int Main(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count != 3 || !Int(args[0], out int ctlId) || !Int(args[1], out int first) || !Int(args[2], out int count) || count < 1)
        {
            Console.Error.WriteLine("policystress: kernel-child: expected CONTROL_SHMID FIRST_TASK COUNT (started by --backend kernel, not by hand)");
            return KernelRunner.ChildUsage;
        }
        // Before anything else: a parent that dies from here on takes this process with it.
        int pd = LinuxSyscalls.PrctlSetPdeathsig(LinuxConstants.SIGKILL);
        long ctlAddr = LinuxSyscalls.Shmat(ctlId, 0, 0);
        if (ctlAddr < 0)
        {
            Console.Error.WriteLine($"policystress: kernel-child: {new KernelRefusedException(KernelCall.Shmat, (int)ctlAddr).Message}");
            return KernelRunner.ChildRefused;
        }
        var ctl = new KernelControl((nint)ctlAddr);
        var attached = new Dictionary<long, nint>();
        try
        {
            if (pd < 0) return Refuse(ctl, first, KernelCall.PrctlPdeathsig, pd);
            // The parent died between fork and prctl: the signal will never come, so go now.
            if (ctl.MagicWord != KernelControl.Magic) return KernelRunner.ChildUsage;
            if (LinuxSyscalls.Getppid() != ctl.ParentPid) return KernelRunner.ChildOrphaned;
            if (first < 0 || first + count > ctl.Tasks) return KernelRunner.ChildUsage;
            for (int i = first; i < first + count; i++)
            {
                long id = ctl[i].Shmid;
                if (attached.ContainsKey(id)) continue;   // one attach per segment per mm, as pft's threads share one
                long addr = LinuxSyscalls.Shmat((int)id, 0, 0);
                if (addr < 0) return Refuse(ctl, i, KernelCall.Shmat, addr);
                attached[id] = (nint)addr;
            }
            var threads = new List<Thread>();
            for (int i = first; i < first + count; i++)
            {
                int index = i;
                nint view = attached[ctl[i].Shmid];
                var t = new Thread(() => KernelTask.Run(ctl, index, view)) { Name = $"kernel-task-{i}" };
                threads.Add(t);
                t.Start();
            }
            foreach (var t in threads) t.Join();
            // Stay mapped until the parent has read /proc/<pid>/numa_maps (or gave up on the run).
            while (Volatile.Read(ref ctl.MayExit) == 0 && Volatile.Read(ref ctl.Abort) == 0 && LinuxSyscalls.Getppid() == ctl.ParentPid)
                Thread.Sleep(1);
            for (int i = first; i < first + count; i++)
                if (Volatile.Read(ref ctl[i].State) == KernelControl.Failed) return KernelRunner.ChildRefused;
            return KernelRunner.ChildOk;
        }
        finally
        {
            foreach (var addr in attached.Values) LinuxSyscalls.Shmdt(addr);
            LinuxSyscalls.Shmdt((nint)ctlAddr);
        }
    }

    private static int Refuse(KernelControl ctl, int task, KernelCall call, long rc)
    {
        ctl[task].Fail(call, rc);
        Volatile.Write(ref ctl.Abort, 1);
        Console.Error.WriteLine($"policystress: kernel-child: {new KernelRefusedException(call, (int)rc).Message}");
        return KernelRunner.ChildRefused;
    }

    private static bool Int(string s, out int v) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
}
