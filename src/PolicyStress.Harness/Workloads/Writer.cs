using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// A task that changes what the faulters read (mbind, attach/detach, set_mempolicy) or reads it from the
/// side (numa_maps), run on its own thread at <see cref="Rate"/> operations per second.
/// </summary>
public abstract class Writer(Kernel kernel, TaskStruct task, WriterKind kind, int rate)
{
    protected Kernel Kernel { get; } = kernel;
    public TaskStruct Task { get; } = task;
    public WriterKind Kind { get; } = kind;
    /// <summary>Target operations per second.</summary>
    public int Rate { get; } = rate;

    /// <summary>One operation; <paramref name="n"/> counts from 0. Returns false if the engine refused it.</summary>
    public abstract bool Step(long n);
}

/// <summary>The writer kinds; each has its own ops and latency columns in the CSV.</summary>
public enum WriterKind
{
    Mbind,
    Attach,
    SetMempolicy,
    NumaMaps,
    HugeTlb,
}
