using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Harness.Running;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// A workload sets up segments, policies and tasks in a fresh kernel, and says what each faulting task
/// touches and which writers run beside them. The runner drives them; a workload owns no thread.
/// </summary>
public abstract class Workload
{
    /// <summary>One per faulting task, in task order.</summary>
    public List<FaultTarget> Targets { get; } = [];
    public List<Writer> Writers { get; } = [];
    /// <summary>Tasks no thread drives after setup (segment owners): the runner takes them offline.</summary>
    public List<TaskStruct> Idle { get; } = [];

    /// <summary>Build the address spaces; <paramref name="cpus"/> holds one planned CPU per faulting task.</summary>
    public abstract void Setup(Kernel kernel, RunConfig config, int[] cpus);

    public static Workload Create(WorkloadKind kind) => kind switch
    {
        WorkloadKind.Pft => new PftWorkload(),
        WorkloadKind.Wis => new WisWorkload(),
        WorkloadKind.Storm => new StormWorkload(),
        WorkloadKind.Churn => new ChurnWorkload(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
