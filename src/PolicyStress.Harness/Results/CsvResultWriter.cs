using System.Text;

namespace PolicyStress.Harness.Results;

/// <summary>
/// Writes rows to "&lt;path&gt;.tmp" and renames it to <c>path</c> at the end — also when the sweep is
/// cancelled, so finished rows are kept; a reader never sees a half-written file at <c>path</c>. A writer
/// that finished no row leaves nothing behind. An I/O error becomes a <see cref="ResultFileException"/>
/// that names the file holding the rows written so far.
/// </summary>
public sealed class CsvResultWriter : IDisposable
{
    private readonly StreamWriter _out;
    private bool _closed;

    public CsvResultWriter(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        TempPath = Path + ".tmp";   // results/**/*.tmp is git-ignored
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        try
        {
            _out = new StreamWriter(TempPath, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
            _out.WriteLine(CsvSchema.Header);
            _out.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultFileException($"cannot create '{TempPath}': {e.Message}", null, 0, e);
        }
    }

    public string Path { get; }
    public string TempPath { get; }
    public int Rows { get; private set; }

    /// <summary>Append a finished row; flushed at once so a crash loses at most the row being written.</summary>
    public void Append(ResultRow row)
    {
        try
        {
            _out.WriteLine(CsvFormat.Line(row.Values));
            _out.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed($"cannot write '{TempPath}'", e);
        }
        Rows++;
    }

    /// <summary>Close and publish the file. Returns the final path, or null when no row was written.</summary>
    public string? Complete()
    {
        if (_closed) return Rows > 0 ? Path : null;
        _closed = true;
        try
        {
            _out.Dispose();
            if (Rows == 0)
            {
                File.Delete(TempPath);
                return null;
            }
            File.Move(TempPath, Path, overwrite: true);   // rename(2) in one directory: atomic
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed($"cannot publish '{Path}'", e);
        }
        return Path;
    }

    /// <summary>Publishes what was written, unless <see cref="Complete"/> already ran or failed: an error here
    /// must not hide the one that ended the sweep early, so it is dropped (the temporary file stays).</summary>
    public void Dispose()
    {
        try { Complete(); }
        catch (ResultFileException) { }
    }

    private ResultFileException Failed(string what, Exception e) =>
        new($"{what}: {e.Message}", Rows > 0 && File.Exists(TempPath) ? TempPath : null, Rows, e);
}
