using PolicyStress.Engine.Policies;

namespace PolicyStress.Conformance;

/// <summary>Human names for the numbers in a script line (the comment part only).</summary>
internal static class ScriptNames
{
    public static string Mode(int arg)
    {
        int m = arg & ~MpolFlags.ModeFlags;
        string name = (uint)m < (uint)PolicyText.ModeArgs.Length ? PolicyText.ModeArgs[m] : $"mode{m}";
        if ((arg & MpolFlags.StaticNodes) != 0) name += "|static";
        if ((arg & MpolFlags.RelativeNodes) != 0) name += "|relative";
        if ((arg & MpolFlags.NumaBalancing) != 0) name += "|balancing";
        return name;
    }

    public static string MbindFlags(uint f) => Names(f, ["strict", "move", "move_all"]);

    public static string GetFlags(uint f) => Names(f, ["node", "addr", "mems_allowed"]);

    private static string Names(uint f, string[] names)
    {
        var parts = new List<string>();
        for (int b = 0; b < 32; b++)
            if ((f & (1u << b)) != 0) parts.Add(b < names.Length ? names[b] : $"bit{b}");
        return parts.Count == 0 ? "0" : string.Join('|', parts);
    }
}
