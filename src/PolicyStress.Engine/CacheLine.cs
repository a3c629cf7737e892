namespace PolicyStress.Engine;

/// <summary>
/// The one padding convention of the project, for every counter or flag that one thread writes while
/// others run: an explicit-layout struct of <c>(groups + 1) × Size</c> bytes whose hot field groups start
/// at <c>1 × Size</c>, <c>2 × Size</c>, … and fill at most half a line each (dotnet/runtime's
/// PaddedHeadAndTail shape: padding before, between and after). The padding before the first group is
/// what makes it work in arrays and objects: an array element or an object field is only 8-byte aligned
/// and the GC moves it, so a struct cannot be aligned to a line, only kept <see cref="Size"/> bytes away
/// from its neighbours (and from the array's length, which every bounds check reads).
/// </summary>
/// <remarks>
/// Why 128 bytes on both x86-64 and arm64: Intel's L2 spatial prefetcher fetches the other 64-byte line of
/// each 128-byte aligned pair, so two writers 64 bytes apart still pull one pair back and forth; and some
/// arm64 cores (Apple's, Cavium ThunderX) have 128-byte lines, which is why dotnet/runtime's
/// PaddingHelpers.CACHE_LINE_SIZE is 128 on arm64. Outside the runtime its TARGET_ARM64 is not defined,
/// so one value serves both; the cost is a few hundred bytes per task, per CPU shard and per node.
/// </remarks>
public static class CacheLine
{
    /// <summary>Bytes that keep two independently written fields off each other's lines.</summary>
    public const int Size = 128;
}
