namespace PolicyStress.Cli.Commands;

/// <summary>
/// The result file of a sweep: <c>--csv</c> (null for the default path), <c>--force</c>, and the sweep's
/// folder under results/ (run, suite, suite-quick).
/// </summary>
internal sealed record CsvOutput(string? Csv, bool Force, string Sweep);
