using System.Globalization;

namespace PolicyStress.Harness.Results;

/// <summary>
/// One CSV row: a value per <see cref="CsvSchema"/> column, kept as the invariant-culture text that is
/// written, so a row read back compares equal to the row written.
/// </summary>
public sealed class ResultRow
{
    private static readonly Dictionary<string, int> Index =
        CsvSchema.Columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i);

    private readonly string[] _values;

    public ResultRow() => _values = Enumerable.Repeat("", CsvSchema.Columns.Length).ToArray();

    internal ResultRow(string[] values) => _values = values;

    public IReadOnlyList<string> Values => _values;

    public string this[string column]
    {
        get => _values[Ordinal(column)];
        set => _values[Ordinal(column)] = value;
    }

    public void Set(string column, long v) => this[column] = v.ToString(CultureInfo.InvariantCulture);
    public void Set(string column, bool v) => this[column] = v ? "true" : "false";
    /// <summary>
    /// A fixed-point number with the column's decimals (<see cref="CsvSchema.Decimals"/>); empty when not
    /// finite. A value that rounds to zero is written as 0, never -0, so a diff sees no sign noise.
    /// </summary>
    public void Set(string column, double v) => this[column] = Format(column, v);
    /// <summary>A list of numbers, each as <see cref="Set(string, double)"/> writes one, ':'-separated like the schema's other lists.</summary>
    public void Set(string column, IEnumerable<double> values) => this[column] = string.Join(':', values.Select(v => Format(column, v)));

    public double GetDouble(string column) => double.Parse(this[column], CultureInfo.InvariantCulture);
    public long GetLong(string column) => long.Parse(this[column], CultureInfo.InvariantCulture);
    public bool GetBool(string column) => this[column] == "true";

    private static string Format(string column, double v)
    {
        int decimals = CsvSchema.Decimals(column);
        double r = Math.Round(v, decimals, MidpointRounding.AwayFromZero);
        return !double.IsFinite(r) ? "" : (r == 0 ? 0.0 : r).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    private static int Ordinal(string column) =>
        Index.TryGetValue(column, out int i) ? i : throw new KeyNotFoundException($"no CSV column '{column}' in schema {CsvSchema.Version}");
}
