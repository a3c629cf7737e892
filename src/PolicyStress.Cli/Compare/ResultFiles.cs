using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Compare;

/// <summary>A result CSV read for comparison: the path as the user gave it, and its rows.</summary>
internal sealed record ResultFile(string Path, IReadOnlyList<ResultRow> Rows)
{
    /// <summary>
    /// Read with <see cref="CsvResultReader"/>; a missing, unreadable, malformed or other-version file, or one
    /// without rows, is a <see cref="UsageException"/> with one line naming it.
    /// </summary>
    public static ResultFile Load(string path)
    {
        if (Directory.Exists(path)) throw new UsageException($"{path}: is a directory; compare takes two result CSV files (results/*.csv)");
        List<ResultRow> rows;
        try
        {
            rows = CsvResultReader.Read(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"{path}: no such file");
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(OtherVersion(path) ?? e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: {e.Message}");
        }
        if (rows.Count == 0) throw new UsageException($"{path}: no result rows (only a header)");
        return new ResultFile(path, rows);
    }

    /// <summary>The message for a result CSV of another schema version, or null when it is not one.</summary>
    private static string? OtherVersion(string path)
    {
        try
        {
            using var r = new StreamReader(path);
            string? header = r.ReadLine();
            string? first = r.ReadLine();
            if (header is null || !header.StartsWith("schema_version,", StringComparison.Ordinal) || first is null) return null;
            string v = CsvFormat.Split(first)[0];
            return int.TryParse(v, out int version) && version != CsvSchema.Version
                ? $"{path}: result schema version {version}; this policystress reads version {CsvSchema.Version} only (results/README.md)"
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
