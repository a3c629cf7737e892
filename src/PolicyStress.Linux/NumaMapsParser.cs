using System.Collections.Immutable;
using System.Globalization;

namespace PolicyStress.Linux;

/// <summary>
/// Parses /proc/&lt;pid&gt;/numa_maps (format: fs/proc/task_mmu.c:show_numa_map and
/// mm/mempolicy.c:mpol_to_str) into <see cref="NumaMapsLine"/> records.
/// </summary>
public static class NumaMapsParser
{
    public static IReadOnlyList<NumaMapsLine> ReadSelf() => Parse(File.ReadAllText("/proc/self/numa_maps"));

    /// <summary>/proc/<paramref name="pid"/>/numa_maps (a child of this process, say).</summary>
    public static IReadOnlyList<NumaMapsLine> Read(int pid) =>
        Parse(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/numa_maps"));

    /// <summary>The line of the vma that starts at <paramref name="start"/> in <paramref name="lines"/>, or null.</summary>
    public static NumaMapsLine? Find(IReadOnlyList<NumaMapsLine> lines, ulong start)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var l in lines)
            if (l.Start == start) return l;
        return null;
    }

    public static IReadOnlyList<NumaMapsLine> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<NumaMapsLine>();
        string[] rows = text.Split('\n');
        for (int i = 0; i < rows.Length; i++)
        {
            string row = rows[i].TrimEnd('\r');
            if (row.Length > 0) lines.Add(ParseLine(row, i + 1));
        }
        return lines;
    }

    private static NumaMapsLine ParseLine(string row, int lineNumber)
    {
        string[] tokens = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length < 2)
            throw Bad(lineNumber, row, "expected '<start> <policy> ...'");
        if (!ulong.TryParse(tokens[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong start))
            throw Bad(lineNumber, row, $"start '{tokens[0]}' is not hex");

        // Two mode names contain a space ("weighted interleave", "prefer (many)"): rejoin them.
        string policy = tokens[1];
        int next = 2;
        if (tokens.Length > 2 &&
            ((policy == "weighted" && tokens[2].StartsWith("interleave", StringComparison.Ordinal)) ||
             (policy == "prefer" && tokens[2].StartsWith("(many)", StringComparison.Ordinal))))
        {
            policy += " " + tokens[2];
            next = 3;
        }

        string? file = null;
        var flags = ImmutableArray.CreateBuilder<string>();
        var counters = ImmutableDictionary.CreateBuilder<string, ulong>(StringComparer.Ordinal);
        var nodes = ImmutableSortedDictionary.CreateBuilder<int, ulong>();
        for (int t = next; t < tokens.Length; t++)
        {
            string token = tokens[t];
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) { flags.Add(token); continue; }
            string key = token[..eq], value = token[(eq + 1)..];
            if (key == "file") { file = value; continue; }
            if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong count))
                throw Bad(lineNumber, row, $"'{token}' has a non-numeric count");
            if (key.Length > 1 && key[0] == 'N' &&
                int.TryParse(key.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int node))
                nodes[node] = count;
            else
                counters[key] = count;
        }
        return new NumaMapsLine(start, policy, file, flags.ToImmutable(), counters.ToImmutable(), nodes.ToImmutable());
    }

    private static FormatException Bad(int lineNumber, string row, string why)
        => new($"numa_maps line {lineNumber} '{row}': {why}");
}
