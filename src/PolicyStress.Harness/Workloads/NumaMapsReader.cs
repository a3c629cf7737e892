using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Harness.Workloads;

/// <summary>Reads /proc/&lt;pid&gt;/numa_maps of the faulters and of the set_mempolicy task in turn.</summary>
public sealed class NumaMapsReader(Kernel kernel, TaskStruct task, TaskStruct[] targets, int rate) : Writer(kernel, task, WriterKind.NumaMaps, rate)
{
    /// <summary>Characters read, so the text is used and the work cannot be elided.</summary>
    public long Chars { get; private set; }

    public override bool Step(long n)
    {
        // Every other read targets the set_mempolicy task (index 0): that is where bug 1 lives.
        var target = n % 2 == 0 ? targets[0] : targets[1 + (int)(n / 2 % Math.Max(1, targets.Length - 1))];
        Chars += Kernel.NumaMaps(Task, target).Length;
        return true;
    }
}
