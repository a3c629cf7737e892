using BenchmarkDotNet.Attributes;
using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Benchmarks;

/// <summary>
/// One allocation fault on a SysV segment whose tree holds one interleave policy (Lee's pft setup), for every
/// scheme under every tree lock, single-threaded: the uncontended cost of each scheme's fault path. Each invoke
/// faults 256 pages and punches them out again (MADV_REMOVE), so every fault allocates. Ratio and RatioSD are
/// against lookup (mainline) under the same lock (<see cref="ParameterBaselineColumn"/>).
/// </summary>
[MemoryDiagnoser]
public class FaultBenchmarks
{
    private const int Pages = 256;
    private Kernel _kernel = null!;
    private TaskStruct _task = null!;
    private ulong _view;

    /// <summary>
    /// Every scheme of the registry, graveyard included (a scheme added there is benchmarked without an edit
    /// here). lookup-2007 runs on the 2.6.23 spinlock whatever lock is asked (KernelConfig.EffectiveSpLock).
    /// </summary>
    public static IEnumerable<RefScheme> Schemes => SchemeRegistry.Kinds;

    public static IEnumerable<SpLockKind> SpLocks => Enum.GetValues<SpLockKind>();

    [ParamsSource(nameof(SpLocks))]
    public SpLockKind SpLock { get; set; }

    [ParamsSource(nameof(Schemes))]
    public RefScheme Scheme { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel(NumaTopology.Uniform(4, 1), new KernelConfig { Scheme = Scheme, SpLock = SpLock });
        _task = _kernel.CreateProcess(0);
        int id = _kernel.Shmget(_task, ShmFlags.IpcPrivate, Pages * Kernel.PageSize, ShmFlags.IpcCreat);
        _view = (ulong)_kernel.Shmat(_task, id, 0, 0);
        _kernel.Mbind(_task, _view, Pages * Kernel.PageSize, (int)MempolicyMode.Interleave, [0xF], UserNodeMask.OneWordMaxNode, 0);
    }

    [Benchmark(OperationsPerInvoke = Pages)]
    public int FaultAndRemove()
    {
        int sum = 0;
        for (int p = 0; p < Pages; p++) sum += _kernel.Fault(_task, _view + (ulong)p * Kernel.PageSize);
        _kernel.Madvise(_task, _view, Pages * Kernel.PageSize, Kernel.MadvRemove);
        return sum;
    }
}
