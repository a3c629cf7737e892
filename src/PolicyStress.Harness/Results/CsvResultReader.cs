namespace PolicyStress.Harness.Results;

/// <summary>Reads a result CSV written with this schema version (the header must match exactly).</summary>
public static class CsvResultReader
{
    public static List<ResultRow> Read(string path)
    {
        using var r = new StreamReader(path);
        string? header = r.ReadLine();
        if (header != CsvSchema.Header)
            throw new InvalidDataException($"{path}: header does not match result schema {CsvSchema.Version}");
        var rows = new List<ResultRow>();
        int n = CsvSchema.Columns.Length;
        for (string? line; (line = r.ReadLine()) is not null;)
        {
            if (line.Length == 0) continue;
            var f = CsvFormat.Split(line);
            if (f.Length != n) throw new InvalidDataException($"{path}: row {rows.Count + 1} has {f.Length} fields, expected {n}");
            rows.Add(new ResultRow(f));
        }
        return rows;
    }
}
