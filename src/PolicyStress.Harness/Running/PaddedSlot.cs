using System.Runtime.InteropServices;
using PolicyStress.Engine;

namespace PolicyStress.Harness.Running;

/// <summary>
/// One task's live counters, alone on its cache lines (<see cref="CacheLine"/>). Written by the owning
/// worker only (plain stores); read by others only after the worker has finished.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
public struct PaddedSlot
{
    [FieldOffset(CacheLine.Size)] public long Faults;
    [FieldOffset(CacheLine.Size + 8)] public long Errors;
    [FieldOffset(CacheLine.Size + 16)] public long Passes;
    [FieldOffset(CacheLine.Size + 24)] public int ObservedCpu;
    /// <summary>Barrier schedule: ticks spent freeing (MADV_REMOVE) after measured passes, outside the window.</summary>
    [FieldOffset(CacheLine.Size + 32)] public long FreeTicks;
}
