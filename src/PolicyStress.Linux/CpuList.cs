using System.Globalization;
using System.Text;

namespace PolicyStress.Linux;

/// <summary>
/// The kernel's "list" bitmap format (lib/bitmap-str.c, printed with %*pbl): comma-separated
/// decimal ids and inclusive ranges, e.g. "0-3,8-11", used by node/cpulist, node/online,
/// Cpus_allowed_list and the numa_maps policy nodelist. "" (or a bare newline) is the empty set.
/// </summary>
public static class CpuList
{
    /// <summary>Parses a list into sorted, distinct ids. Throws <see cref="FormatException"/> on garbage.</summary>
    public static int[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();          // sysfs files end in '\n'
        if (trimmed.Length == 0) return [];

        var ids = new SortedSet<int>();
        foreach (string item in trimmed.Split(','))
        {
            int dash = item.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                ids.Add(ParseId(item, text));
                continue;
            }
            int first = ParseId(item[..dash], text);
            int last = ParseId(item[(dash + 1)..], text);
            if (last < first)
                throw new FormatException($"CPU/node list '{text.Trim()}': range '{item}' runs backwards.");
            for (int id = first; id <= last; id++) ids.Add(id);
        }
        return [.. ids];
    }

    /// <summary>Formats ids the way the kernel prints them: sorted, ranges collapsed ("0-3,8").</summary>
    public static string Format(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] sorted = [.. ids.Distinct().Order()];
        var sb = new StringBuilder();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1) j++;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            if (j > i) sb.Append('-').Append(sorted[j].ToString(CultureInfo.InvariantCulture));
            i = j + 1;
        }
        return sb.ToString();
    }

    private static int ParseId(string token, string whole)
    {
        // NumberStyles.None: no sign, no spaces — the kernel never prints either inside a list.
        if (token.Length == 0 ||
            !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            throw new FormatException(
                $"CPU/node list '{whole.Trim()}': '{token}' is not a non-negative decimal id (expected e.g. \"0-3,8-11\").");
        return id;
    }
}
