using System.Text;

namespace PolicyStress.Engine.Policies;

/// <summary>mpol_to_str(): the policy strings of /proc/&lt;pid&gt;/numa_maps and tmpfs mount options.</summary>
public static class PolicyText
{
    private static readonly string[] ModeNames =
        ["default", "prefer", "bind", "interleave", "local", "prefer (many)", "weighted interleave"];

    /// <summary>Mode names as the command line and scripts spell them (numactl/LTP vocabulary).</summary>
    public static readonly string[] ModeArgs =
        ["default", "preferred", "bind", "interleave", "local", "preferred-many", "weighted-interleave"];

    /// <summary>
    /// Since 2.6.26: <c>mode[=static|relative|balancing]:nodelist</c>; static policies and NULL print as
    /// <c>default</c>; <c>local</c> and <c>default</c> print no nodes.
    /// </summary>
    public static string ToKernelString(Mempolicy? pol)
    {
        if (pol is null || pol.IsStatic) return "default";
        var sb = new StringBuilder(ModeNames[(int)pol.Mode]);
        ushort mf = (ushort)(pol.Flags & MpolFlags.ModeFlags);
        if (mf != 0)
        {
            sb.Append('=');
            if ((mf & MpolFlags.StaticNodes) != 0) sb.Append("static");
            else if ((mf & MpolFlags.RelativeNodes) != 0) sb.Append("relative");
            if ((mf & MpolFlags.NumaBalancing) != 0)
            {
                if ((mf & (mf - 1)) != 0) sb.Append('|');   // more than one flag
                sb.Append("balancing");
            }
        }
        if (pol.Mode is not (MempolicyMode.Default or MempolicyMode.Local) && !pol.Nodes.IsEmpty)
            sb.Append(':').Append(pol.Nodes);
        return sb.ToString();
    }

    /// <summary>
    /// The 2.6.23 format (policy_types[], then '=' and the nodes only if there are any): <c>interleave=0-3</c>,
    /// <c>bind=0-1</c>, <c>prefer=2</c>, <c>default</c>. Local allocation, a preferred policy with
    /// preferred_node −1, prints <c>prefer</c>: mpol_to_str()'s node_set(-1, nodes) sets no bit of the mask,
    /// which stays empty.
    /// </summary>
    public static string To2007String(Mempolicy? pol)
    {
        if (pol is null || pol.IsStatic) return "default";
        string name = pol.Mode switch
        {
            MempolicyMode.Interleave => "interleave",
            MempolicyMode.Bind => "bind",
            MempolicyMode.Preferred => "prefer",
            _ => "default",
        };
        return pol.Nodes.IsEmpty || name == "default" ? name : $"{name}={pol.Nodes}";
    }
}
