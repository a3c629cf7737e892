using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using static PolicyStress.Harness.Workloads.EngineCalls;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// Replaces a sub-range policy of the shared segment per step (shared_policy_replace through mbind on its
/// own attach): interleave, preferred, bind in turn, over <see cref="RangePages"/>-page ranges picked
/// pseudo-randomly across every faulter's slice.
/// </summary>
public sealed class MbindInstaller : Writer
{
    public const ulong RangePages = 16;
    private readonly ulong _view, _ranges;
    private readonly ulong[] _all;
    private readonly ulong[][] _single;
    private ulong _rng = 0x9E3779B97F4A7C15;

    public MbindInstaller(Kernel kernel, TaskStruct task, ulong view, ulong pages, int rate) : base(kernel, task, WriterKind.Mbind, rate)
    {
        _view = view;
        _ranges = Math.Max(1, pages / RangePages);
        _all = AllNodes(kernel);
        _single = [.. Enumerable.Range(0, kernel.Topology.MemoryNodes.Weight).Select(i => OneNode(kernel, i))];
    }

    public override bool Step(long n)
    {
        _rng ^= _rng << 13; _rng ^= _rng >> 7; _rng ^= _rng << 17;   // xorshift64: no allocation, no shared state
        ulong r = _rng % _ranges;
        var mode = (n % 3) switch { 0 => MempolicyMode.Interleave, 1 => MempolicyMode.Preferred, _ => MempolicyMode.Bind };
        var mask = mode == MempolicyMode.Interleave ? _all : _single[(int)(r % (ulong)_single.Length)];
        return Kernel.Mbind(Task, _view + r * RangePages * Page, RangePages * Page, (int)mode, mask, UserNodeMask.OneWordMaxNode, 0) == 0;
    }
}
