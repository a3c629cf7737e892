using System.Runtime.InteropServices;
using PolicyStress.Engine;

namespace PolicyStress.Harness.Running;

/// <summary>
/// The cancel flag every worker polls once per pass. It is written once (on Ctrl-C or an error), so the
/// line stays shared-clean in every core's cache; the padding (<see cref="CacheLine"/>) keeps other data off it.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
public struct StopFlag
{
    [FieldOffset(CacheLine.Size)] private int _stop;

    public readonly bool IsSet => Volatile.Read(in _stop) != 0;

    public void Set() => Volatile.Write(ref _stop, 1);
}
