using PolicyStress.Cli.Figures;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Cli.Tests;

public class FiguresTests
{
    [Fact]
    public void SeedScenarioShowsTheNumaMapsLieAndEndsClean()
    {
        var w = new StringWriter();
        Assert.Equal(0, new SeedScenario(w, RefScheme.Lookup, 4).Run());
        string text = w.ToString();
        // task2's single vma shows only the policy at its start while its counts cover both sub-ranges...
        Assert.Contains("7efffffe0000 default file=/SYSV00000000\\040(deleted) dirty=16 N1=8 N3=8 kernelpagesize_kB=4", text);
        // ...and Lee's per-sub-range rendering shows the bind range with its own counts.
        Assert.Contains("7effffff4000 bind:3 file=/SYSV00000000\\040(deleted) dirty=8 N3=8 kernelpagesize_kB=4", text);
        Assert.Contains("audit: uaf=0 underflow=0 static_puts=0 double_free=0 leaked=0 tree_errors=0", text);
    }
}
