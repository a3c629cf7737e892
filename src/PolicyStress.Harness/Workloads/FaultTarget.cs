using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Harness.Workloads;

/// <summary>What one faulting task touches each pass: <see cref="Pages"/> pages from <see cref="Start"/> in its mm.</summary>
public sealed class FaultTarget(TaskStruct task, int cpu, ulong start, int pages)
{
    public TaskStruct Task { get; } = task;
    /// <summary>The CPU the task's thread is pinned to.</summary>
    public int Cpu { get; } = cpu;
    public ulong Start { get; } = start;
    public int Pages { get; } = pages;
}
