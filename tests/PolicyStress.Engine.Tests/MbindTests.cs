using PolicyStress.Engine.Policies;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// mbind(2) and get_mempolicy(2) as LTP mbind01 exercises them (bench-anchors.md §5.3): each case mbinds a
/// fresh 4 MiB anonymous region and reads the policy back with MPOL_F_ADDR.
/// </summary>
public class MbindTests
{
    private const ulong Region = 1024;   // pages: 4 MiB

    public static TheoryData<string, int, ulong[]?, uint, int, int, ulong> Mbind01Cases() => new()
    {
        // name, mode, mask, flags, expected return, read-back mode, read-back mask
        { "default, no mask", Default, null, 0, 0, Default, 0 },
        { "default, mask", Default, Mask(0), 0, -Errno.EINVAL, Default, 0 },
        { "bind, no mask", Bind, null, 0, -Errno.EINVAL, Default, 0 },
        { "bind, mask", Bind, Mask(0), 0, 0, Bind, 1 },
        { "interleave, no mask", Interleave, null, 0, -Errno.EINVAL, Default, 0 },
        { "interleave, mask", Interleave, Mask(0), 0, 0, Interleave, 1 },
        { "preferred, no mask", Preferred, null, 0, 0, Local, 0 },            // mpol_new turns it into MPOL_LOCAL
        { "preferred, mask", Preferred, Mask(0), 0, 0, Preferred, 1 },
        { "local, no mask", Local, null, 0, 0, Local, 0 },
        { "local, mask", Local, Mask(0), 0, -Errno.EINVAL, Default, 0 },
        { "unknown mode", MpolFlags.MaxMode, Mask(0), 0, -Errno.EINVAL, Default, 0 },
        { "invalid flags", Bind, Mask(0), uint.MaxValue, -Errno.EINVAL, Default, 0 },
        { "bad nodemask pointer", Bind, Array.Empty<ulong>(), 0, -Errno.EFAULT, Default, 0 },
        // the modes LTP added later, and masks that name no node of the machine
        { "preferred-many, mask", PreferredMany, Mask(0, 2), 0, 0, PreferredMany, 0b101 },
        { "weighted interleave, mask", WeightedInterleave, Mask(1, 3), 0, 0, WeightedInterleave, 0b1010 },
        { "preferred-many, no mask", PreferredMany, null, 0, -Errno.EINVAL, Default, 0 },
        { "weighted interleave, no mask", WeightedInterleave, null, 0, -Errno.EINVAL, Default, 0 },
        { "bind, node 5 of 4", Bind, Mask(5), 0, -Errno.EINVAL, Default, 0 },
        { "interleave, node 63 of 4", Interleave, Mask(63), 0, -Errno.EINVAL, Default, 0 },
        { "preferred, node 4 of 4", Preferred, Mask(4), 0, -Errno.EINVAL, Default, 0 },
        { "preferred-many, node 9 of 4", PreferredMany, Mask(9), 0, -Errno.EINVAL, Default, 0 },
        { "weighted, node 60 of 4", WeightedInterleave, Mask(60), 0, -Errno.EINVAL, Default, 0 },
        { "bind, nodes 1 and 7 of 4", Bind, Mask(1, 7), 0, 0, Bind, 0b10 },     // intersected with N_MEMORY
        { "interleave, mask, strict", Interleave, Mask(0, 1), MpolFlags.MfStrict, 0, Interleave, 0b11 },
        { "bind, mask, move", Bind, Mask(2), MpolFlags.MfMove, 0, Bind, 0b100 },
        { "bind, mask, move_all (root)", Bind, Mask(2), MpolFlags.MfMoveAll, 0, Bind, 0b100 },
        { "bind, mask, lazy", Bind, Mask(0), 1 << 3, -Errno.EINVAL, Default, 0 },
        { "static|relative", Bind | MpolFlags.StaticNodes | MpolFlags.RelativeNodes, Mask(0), 0, -Errno.EINVAL, Default, 0 },
        { "interleave|balancing", Interleave | MpolFlags.NumaBalancing, Mask(0), 0, -Errno.EINVAL, Default, 0 },
        { "bind|balancing", Bind | MpolFlags.NumaBalancing, Mask(0, 1), 0, 0, Bind | MpolFlags.NumaBalancing, 0b11 },
        { "bind|static", Bind | MpolFlags.StaticNodes, Mask(1, 5), 0, 0, Bind | MpolFlags.StaticNodes, 0b100010 },
    };

    [Theory]
    [MemberData(nameof(Mbind01Cases))]
    public void Ltp01CasesSetThePolicyThatGetMempolicyReadsBack(string name, int mode, ulong[]? mask, uint flags, int expected, int readMode, ulong readMask)
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong addr = MapAnon(k, t, Region);
        Assert.True(k.Fault(t, addr) >= 0);   // a page already there: STRICT/MOVE have something to check
        ulong maxnode = mask is { Length: 0 } ? MaxNode : mask is null ? 0 : MaxNode;
        Assert.True(expected == k.Mbind(t, addr, Region * Page, mode, mask, maxnode, flags), name);
        var (err, m, nodes) = PolicyAt(k, t, addr);
        Assert.Equal(0, err);
        Assert.Equal(readMode, m);
        Assert.Equal(readMask, nodes);
        // the whole region has one policy: nothing was split off
        Assert.Single(t.Mm.VmaList);
        AssertClean(k);
    }

    [Fact]
    public void MoveAllNeedsCapSysNice()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        t.CapSysNice = false;
        ulong addr = MapAnon(k, t, 16);
        Assert.Equal(-Errno.EPERM, k.Mbind(t, addr, 16 * Page, Bind, Mask(1), MaxNode, MpolFlags.MfMoveAll));
        Assert.Equal(0, PolicyAt(k, t, addr).Mode);
        Assert.Equal(0, k.Mbind(t, addr, 16 * Page, Bind, Mask(1), MaxNode, MpolFlags.MfMove));
        Assert.Equal(Bind, PolicyAt(k, t, addr).Mode);
        // Invalid flag bits are checked before privilege (do_mbind's order).
        Assert.Equal(-Errno.EINVAL, k.Mbind(t, addr, 16 * Page, Bind, Mask(1), MaxNode, MpolFlags.MfMoveAll | 1 << 4));
    }

    [Fact]
    public void StartMustBePageAlignedAndLengthIsRoundedUp()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong addr = MapAnon(k, t, 16);
        Assert.Equal(-Errno.EINVAL, k.Mbind(t, addr + 1, Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(-Errno.EINVAL, k.Mbind(t, addr + Page / 2, Page, Default, null, 0, 0));
        Assert.Single(t.Mm.VmaList);
        // len 1 covers one page; len 0 is a successful no-op; a wrapping range is EINVAL
        Assert.Equal(0, k.Mbind(t, addr + 2 * Page, 1, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(Bind, PolicyAt(k, t, addr + 2 * Page).Mode);
        Assert.Equal(Default, PolicyAt(k, t, addr + 3 * Page).Mode);
        Assert.Equal(0, k.Mbind(t, addr + 8 * Page, 0, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(Default, PolicyAt(k, t, addr + 8 * Page).Mode);
        Assert.Equal(-Errno.EINVAL, k.Mbind(t, addr, unchecked(0UL - addr + 8 * Page), Bind, Mask(1), MaxNode, 0));
        AssertClean(k);
    }

    [Fact]
    public void HolesAreEfaultUnlessDefault()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong addr = MapAnon(k, t, 10);
        Assert.Equal(0, k.Munmap(t, addr + 4 * Page, 2 * Page));   // hole at pages [4,6)
        Assert.Equal(2, t.Mm.VmaList.Count);

        Assert.Equal(-Errno.EFAULT, k.Mbind(t, addr, 10 * Page, Bind, Mask(1), MaxNode, 0));                // middle
        Assert.Equal(-Errno.EFAULT, k.Mbind(t, addr - 2 * Page, 4 * Page, Interleave, Mask(0, 1), MaxNode, 0)); // head
        Assert.Equal(-Errno.EFAULT, k.Mbind(t, addr + 8 * Page, 4 * Page, Preferred, Mask(1), MaxNode, 0));    // tail
        Assert.Equal(-Errno.EFAULT, k.Mbind(t, addr + 3 * Page, 2 * Page, Local, null, 0, 0));                // local too
        // nothing was applied and nothing was split by the failed calls
        Assert.Equal(2, t.Mm.VmaList.Count);
        Assert.All(t.Mm.VmaList, v => Assert.Null(v.VmPolicy));

        Assert.Equal(0, k.Mbind(t, addr, 4 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, addr + 6 * Page, 4 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal((0, Bind, 2UL), PolicyAt(k, t, addr + 9 * Page));
        // MPOL_DEFAULT is MPOL_MF_DISCONTIG_OK: the holes are skipped
        Assert.Equal(0, k.Mbind(t, addr - 2 * Page, 14 * Page, Default, null, 0, 0));
        Assert.Equal((0, Default, 0UL), PolicyAt(k, t, addr));
        Assert.Equal((0, Default, 0UL), PolicyAt(k, t, addr + 7 * Page));
        // ...but a range with no vma at all is still EFAULT
        Assert.Equal(-Errno.EFAULT, k.Mbind(t, addr + 4 * Page, 2 * Page, Default, null, 0, 0));
        Assert.Equal(-Errno.EFAULT, PolicyAt(k, t, addr + 4 * Page).Err);
        AssertClean(k);
    }

    [Fact]
    public void StrictOnAMisplacedPageIsEioAndChangesNothing()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong addr = MapAnon(k, t, 4);
        Assert.Equal(0, k.Fault(t, addr));   // local node 0
        // STRICT alone: the page walk stops at the first misplaced page and mbind returns before touching
        // any policy (seen on kernel 6.18 by the conformance driver).
        Assert.Equal(-Errno.EIO, k.Mbind(t, addr, 4 * Page, Bind, Mask(1), MaxNode, MpolFlags.MfStrict));
        Assert.Equal((0, 0, 0UL), PolicyAt(k, t, addr));
        // STRICT with MOVE migrates instead (mbind03); the page follows the policy
        Assert.Equal(0, k.Mbind(t, addr, 4 * Page, Bind, Mask(2), MaxNode, MpolFlags.MfStrict | MpolFlags.MfMove));
        var nm = new ulong[1];
        Assert.Equal(0, k.GetMempolicy(t, out int node, nm, MaxNode, addr, MpolFlags.FAddr | MpolFlags.FNode));
        Assert.Equal(2, node);
        // STRICT is ignored for MPOL_DEFAULT
        Assert.Equal(0, k.Mbind(t, addr, 4 * Page, Default, null, 0, MpolFlags.MfStrict));
        AssertClean(k);
    }

    [Fact]
    public void GetMempolicyReportsEachPolicyOfASplitRegion()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong addr = MapAnon(k, t, 8);
        Assert.Equal(0, k.Mbind(t, addr + 2 * Page, 2 * Page, Preferred, Mask(3), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, addr + 4 * Page, 2 * Page, Interleave, Mask(0, 2), MaxNode, 0));
        Assert.Equal((0, Default, 0UL), PolicyAt(k, t, addr));
        Assert.Equal((0, Preferred, 8UL), PolicyAt(k, t, addr + 3 * Page));
        Assert.Equal((0, Interleave, 5UL), PolicyAt(k, t, addr + 4 * Page));
        Assert.Equal((0, Default, 0UL), PolicyAt(k, t, addr + 7 * Page));
        // get_mempolicy(NODE|ADDR) faults the page in and names its node (LTP mbind04 / numactl regress).
        // Its fault is a read: on untouched private memory that maps the zero page (node 0), so write first.
        var nm = new ulong[1];
        Assert.Equal(0, k.GetMempolicy(t, out int node, nm, MaxNode, addr + 2 * Page, MpolFlags.FAddr | MpolFlags.FNode));
        Assert.Equal(0, node);
        Assert.Equal(3, k.Fault(t, addr + 2 * Page, write: true));
        Assert.Equal(0, k.GetMempolicy(t, out node, nm, MaxNode, addr + 2 * Page, MpolFlags.FAddr | MpolFlags.FNode));
        Assert.Equal(3, node);
        // addr without MPOL_F_ADDR, and unknown flags, are EINVAL (get_mempolicy02)
        Assert.Equal(-Errno.EINVAL, k.GetMempolicy(t, out _, nm, MaxNode, addr, 0));
        Assert.Equal(-Errno.EINVAL, k.GetMempolicy(t, out _, nm, MaxNode, 0, uint.MaxValue));
        Assert.Equal(-Errno.EFAULT, k.GetMempolicy(t, out _, nm, MaxNode, 0, MpolFlags.FAddr));
        AssertClean(k);
    }
}
