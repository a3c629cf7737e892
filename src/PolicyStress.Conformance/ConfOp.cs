using System.Globalization;
using System.Text;

namespace PolicyStress.Conformance;

/// <summary>
/// One step of a conformance sequence, applied to the real kernel and to the engine alike. Addresses are
/// kept relative to the layout (segment slot, view, byte offset), so a script replays in a fresh process
/// whose reservation lands elsewhere. The script form is one line of <c>verb key=value ...</c> followed
/// by a <c>#</c> comment that decodes the numbers for a human reader.
/// </summary>
internal abstract record ConfOp
{
    /// <summary>The machine-readable part of the script line (parsed back by <see cref="ConfScript"/>).</summary>
    public abstract string Verb { get; }

    protected abstract IEnumerable<(string Key, string Value)> Fields();

    /// <summary>A human gloss of the numbers (mode names, flag names), or null.</summary>
    public virtual string? Comment => null;

    public string ToScript()
    {
        var sb = new StringBuilder(Verb);
        foreach (var (k, v) in Fields()) sb.Append(' ').Append(k).Append('=').Append(v);
        if (Comment is { } c) sb.Append("   # ").Append(c);
        return sb.ToString();
    }

    protected static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);
    protected static string Dec(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A node mask as <c>words:w0,w1,...</c> (array length, then hex words with trailing zero words left
    /// out), or "null" for a NULL pointer.
    /// </summary>
    internal static string MaskText(ulong[]? mask)
    {
        if (mask is null) return "null";
        int last = mask.Length;
        while (last > 1 && mask[last - 1] == 0) last--;
        return Dec(mask.Length) + ":" + string.Join(',', mask.Take(last).Select(Hex));
    }
}
