using System.CommandLine;
using PolicyStress.Cli.Figures;

namespace PolicyStress.Cli.Commands;

/// <summary>`policystress figures`: the seed mail's scenario, step by step, per reference-count scheme.</summary>
internal static class FiguresCommand
{
    public static Command Create()
    {
        var scheme = new Option<string>("--scheme")
        {
            Description = "Reference-count scheme, or 'all' for the per-scheme table: " + string.Join(", ", SchemeNames.Schemes.Select(s => s.Name)),
            DefaultValueFactory = _ => "all",
        };
        var nodes = OptionParsing.Int("--nodes", "Nodes of the simulated machine (1-64)", 4, max: 64);
        var cmd = new Command("figures", "Replay the seed mail's scenario (Figures 1-3) and print trees, vmas, refcounts and numa_maps") { scheme, nodes };
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(nodes);
            string name = parse.GetValue(scheme)!;
            if (name == "all")
            {
                SchemeTable.Print(Console.Out);
                Console.WriteLine();
                return new SeedScenario(Console.Out, Engine.Refcounting.RefScheme.Lookup, n).Run();
            }
            return new SeedScenario(Console.Out, SchemeNames.ParseScheme(name), n).Run();
        });
        return cmd;
    }
}
