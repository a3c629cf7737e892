using System.Globalization;

namespace PolicyStress.Conformance;

/// <summary>Reads the script form back (<see cref="ConfOp.ToScript"/>): one op per line, '#' starts a comment.</summary>
internal static class ConfScript
{
    public static List<ConfOp> Parse(string text)
    {
        var ops = new List<ConfOp>();
        int lineNo = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNo++;
            string line = raw;
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (tokens.Length == 0) continue;
            var f = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string t in tokens.Skip(1))
            {
                int eq = t.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new FormatException($"line {lineNo}: '{t}' is not key=value");
                f[t[..eq]] = t[(eq + 1)..];
            }
            try
            {
                ops.Add(tokens[0] switch
                {
                    "create" => new CreateSegmentOp(I(f, "slot"), U(f, "size")),
                    "remove" => new RemoveSegmentOp(I(f, "slot")),
                    "mbind" => new MbindOp(I(f, "slot"), I(f, "view"), L(f, "off"), U(f, "len"), (int)U(f, "mode"), Mask(f["mask"]), U(f, "maxnode"), (uint)U(f, "flags")),
                    "set_mempolicy" => new SetMempolicyOp((int)U(f, "mode"), Mask(f["mask"]), U(f, "maxnode")),
                    "get_mempolicy" => new GetMempolicyOp((uint)U(f, "flags"), I(f, "words"), U(f, "maxnode"), I(f, "slot"), I(f, "view"), L(f, "off")),
                    "mmap" => new MmapOp(I(f, "anon"), I(f, "pages"), f["shared"] == "1"),
                    "munmap" => new MunmapOp(I(f, "anon"), L(f, "off"), U(f, "len")),
                    "madvise" => new MadviseOp(I(f, "slot"), I(f, "view"), L(f, "off"), U(f, "len"), I(f, "advice")),
                    "touch" => new TouchOp(I(f, "slot"), I(f, "view"), I(f, "page"), f["write"] == "1"),
                    var v => throw new FormatException($"unknown operation '{v}'"),
                });
            }
            catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException)
            {
                throw new FormatException($"line {lineNo}: {e.Message}", e);
            }
        }
        return ops;
    }

    private static ulong U(Dictionary<string, string> f, string k)
    {
        string v = f[k];
        return v.StartsWith("0x", StringComparison.Ordinal)
            ? ulong.Parse(v.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : ulong.Parse(v, CultureInfo.InvariantCulture);
    }

    private static long L(Dictionary<string, string> f, string k) => long.Parse(f[k], CultureInfo.InvariantCulture);
    private static int I(Dictionary<string, string> f, string k) => int.Parse(f[k], CultureInfo.InvariantCulture);

    private static ulong[]? Mask(string v)
    {
        if (v == "null") return null;
        int colon = v.IndexOf(':', StringComparison.Ordinal);
        var mask = new ulong[int.Parse(v.AsSpan(0, colon), CultureInfo.InvariantCulture)];
        string[] words = v[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length && i < mask.Length; i++)
            mask[i] = ulong.Parse(words[i].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return mask;
    }
}
