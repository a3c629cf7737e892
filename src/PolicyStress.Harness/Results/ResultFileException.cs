namespace PolicyStress.Harness.Results;

/// <summary>
/// The result file could not be written or published. <see cref="RowsIn"/> names the file that holds the
/// rows written so far (the temporary file), or is null when there were none.
/// </summary>
public sealed class ResultFileException(string message, string? rowsIn, int rows, Exception inner) : IOException(message, inner)
{
    public string? RowsIn { get; } = rowsIn;
    public int Rows { get; } = rows;
}
