using System.Text;

namespace PolicyStress.Harness.Results;

/// <summary>RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.</summary>
public static class CsvFormat
{
    public static string Line(IEnumerable<string> fields) => string.Join(',', fields.Select(Quote));

    public static string Quote(string f) =>
        f.AsSpan().IndexOfAny(",\"\r\n") < 0 ? f : "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Split one line (no embedded line breaks: the writer never produces them in values).</summary>
    public static string[] Split(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(ch);
        }
        fields.Add(sb.ToString());
        return [.. fields];
    }
}
