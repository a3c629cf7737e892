using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.Tests;

/// <summary>cpuset rebinding (spec rule 24): task and vma policies follow the cpuset; tree policies do not.</summary>
public class RefcountCpusetTests
{
    [Fact]
    public void RebindRemapsTaskAndVmaPoliciesButNeverTreePolicies()
    {
        var f = new SchemeFixture(RefScheme.Lookup);
        ulong v = f.Attach(f.Task1);
        f.Mbind(f.Task1, v, 0, 10, MempolicyMode.Interleave, 0, 1);
        Assert.Equal(0, f.Kernel.SetMempolicy(f.Task1, (int)MempolicyMode.Bind, [NodeMask.Of(1).Bits], UserNodeMask.OneWordMaxNode));
        Assert.Equal(0, f.Kernel.SetMempolicy(f.Task2, (int)MempolicyMode.Interleave | MpolFlags.StaticNodes, [NodeMask.Of(1, 3).Bits], UserNodeMask.OneWordMaxNode));

        f.Kernel.CpusetSetMems([f.Task1, f.Task2], NodeMask.Of(2, 3));

        Assert.Equal(NodeMask.Of(3), f.Task1.Policy!.Nodes);              // node 1 = 2nd of {0-3} → 2nd of {2,3}
        Assert.Equal(NodeMask.Of(3), f.Task2.Policy!.Nodes);              // static: {1,3} ∩ {2,3}
        var vmaPol = f.Task1.Mm.VmaList.Single(x => x.VmPolicy is not null).VmPolicy!;
        Assert.Equal(NodeMask.Of(2, 3), vmaPol.Nodes);                    // {0,1} remapped onto {2,3}
        Assert.Equal(NodeMask.Of(0, 1), f.Tree[0].Policy.Nodes);          // the tree keeps its nodes
        Assert.Equal(NodeMask.Of(2, 3), f.Task1.MemsAllowed);
        f.AssertClean();
    }
}
