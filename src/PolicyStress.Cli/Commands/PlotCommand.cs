using System.CommandLine;
using PolicyStress.Cli.Compare;
using PolicyStress.Cli.Plots;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// `policystress plot CSV... [--base BASE.csv] [--out DIR] [--svg] [--font FILE]`: the figures of one or more
/// result files (their rows together), PNG and optionally SVG, into a folder beside the first CSV.
/// </summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        var csvs = new Argument<string[]>("CSV") { Description = "Result CSVs to draw (rows of several files are drawn together)", Arity = ArgumentArity.OneOrMore };
        var baseCsv = new Option<string?>("--base") { Description = "A base result CSV: adds the ratio figure, the CSVs' rows over its rows" };
        var metric = new Option<string>("--metric") { Description = "Column the ratio figure compares", DefaultValueFactory = _ => MetricColumns.Default };
        var outDir = new Option<string?>("--out") { Description = "Folder for the figures (default: <first CSV without .csv>-figures beside it)" };
        var svg = new Option<bool>("--svg") { Description = "Write each figure as SVG too" };
        var font = new Option<string?>("--font") { Description = $"A TTF/OTF file to draw text with (default: the first installed of {string.Join(", ", FigureFont.Candidates)})" };
        var cmd = new Command("plot", "Draw the figures of result CSVs. Per workload and tree lock: " +
            string.Join("; ", FigureSet.Kinds.Select(k => $"{k.Name}.png: {k.Shows}")) +
            ". Every figure names the backend, CPUs, host and commit that made it.")
        {
            csvs, baseCsv, metric, outDir, svg, font,
        };
        cmd.SetAction(parse =>
        {
            string[] files = parse.GetValue(csvs)!;
            FigureFont.Use(parse.GetValue(font));
            var loaded = files.Select(ResultFile.Load).ToList();
            var rows = loaded.SelectMany(f => f.Rows).ToList();
            CompareReport? compare = null;
            if (parse.GetValue(baseCsv) is { } b)
            {
                var settings = ResultComparer.Settings("5%", parse.GetValue(metric)!);
                compare = ResultComparer.Compare(ResultFile.Load(b), new ResultFile(string.Join(", ", files), rows), settings);
            }
            string dir = parse.GetValue(outDir) ?? FigureSet.DefaultDir(files[0]);
            foreach (var path in FigureSet.Draw(rows, dir, parse.GetValue(svg), FigureSet.Footer(rows), compare))
                Console.Out.WriteLine($"figure: {path}");
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// The suite's figures beside its CSV: a line per workload and lock, the throughput figure's path and its
    /// siblings' suffixes. A machine that cannot draw (no font, no native library) gets one line saying so; the
    /// suite's own result and exit code stand.
    /// </summary>
    public static void DrawBeside(string csv, IReadOnlyList<Harness.Results.ResultRow> rows)
    {
        try
        {
            FigureFont.Use(null);
            var written = FigureSet.Draw(rows, FigureSet.DefaultDir(csv), svg: false, FigureSet.Footer(rows));
            foreach (var panel in written.GroupBy(p => p[..p.LastIndexOf('-')]))
                Console.Out.WriteLine($"figures: {panel.First()}" +
                    string.Concat(panel.Skip(1).Select(p => $", {p[panel.Key.Length..]}")));
        }
        catch (UsageException e)
        {
            Console.Out.WriteLine($"figures: none drawn: {e.Message}");
        }
    }
}
