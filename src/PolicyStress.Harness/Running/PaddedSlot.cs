using System.Runtime.InteropServices;

namespace PolicyStress.Harness.Running;

/// <summary>
/// One task's live counters, alone on its cache lines: 256 bytes with the fields in the middle, because an
/// array element is only 8-byte aligned and the adjacent-line prefetcher pulls 128-byte pairs. Written by
/// the owning worker only (plain stores); read by others only after the worker has finished.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
public struct PaddedSlot
{
    [FieldOffset(128)] public long Faults;
    [FieldOffset(136)] public long Errors;
    [FieldOffset(144)] public long Passes;
    [FieldOffset(152)] public int ObservedCpu;
}
