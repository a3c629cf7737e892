using System.Globalization;
using System.Text;
using PolicyStress.Engine;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Conformance;

/// <summary>The text forms both sides' answers are compared in.</summary>
internal static class Observations
{
    /// <summary>Mask arrays are pre-filled with this, so words the call leaves alone show up as such.</summary>
    public const ulong Sentinel = 0x5a5a_5a5a_5a5a_5a5a;
    /// <summary>The mask size used for the per-page get_mempolicy checks: all of MAX_NUMNODES (1024 bits).</summary>
    public const int CheckWords = 16;
    public const ulong CheckMaxNode = UserNodeMask.FullMaxNode;

    public static ulong[]? NewMask(int words)
    {
        if (words < 0) return null;
        var m = new ulong[words];
        Array.Fill(m, Sentinel);
        return m;
    }

    public static string Rc(long rc) => rc >= 0 ? rc.ToString(CultureInfo.InvariantCulture) : Errno.Name(rc);

    /// <summary>get_mempolicy's answer: the return value, then (on success) the mode and the mask words.</summary>
    public static string GetResult(long rc, int mode, ulong[]? mask)
    {
        if (rc < 0) return "rc=" + Errno.Name(rc);
        var sb = new StringBuilder("rc=").Append(rc).Append(" mode=").Append(mode.ToString(CultureInfo.InvariantCulture));
        if (mask is not null)
        {
            // Runs of equal words are summarised as "word*count", to keep lines short.
            sb.Append(" mask=");
            for (int i = 0; i < mask.Length;)
            {
                int j = i;
                while (j < mask.Length && mask[j] == mask[i]) j++;
                if (i > 0) sb.Append(',');
                sb.Append("0x").Append(mask[i].ToString("x", CultureInfo.InvariantCulture));
                if (j - i > 1) sb.Append('*').Append(j - i);
                i = j;
            }
        }
        return sb.ToString();
    }
}
