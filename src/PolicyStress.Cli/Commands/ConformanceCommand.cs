using System.CommandLine;
using PolicyStress.Conformance;
using static PolicyStress.Cli.OptionParsing;

namespace PolicyStress.Cli.Commands;

/// <summary>`policystress conformance`: differential testing of the engine against the running kernel.</summary>
internal static class ConformanceCommand
{
    public static Command Create()
    {
        var seed = OptionalInt("--seed", "Seed of the random sequence (default: a random one, printed)");
        var ops = Int("--ops", "Operations to generate (1-1000000)", 1000, max: 1_000_000);
        var verbose = new Option<bool>("--verbose") { Description = "Print every operation and the kernel's answer" };
        var replay = new Option<string?>("--replay") { Description = "Run a script printed by an earlier mismatch instead of a random sequence" };
        var cmd = new Command("conformance", "Apply random mbind/set_mempolicy/get_mempolicy/shm sequences to the running kernel and the engine and compare every answer")
        {
            seed, ops, verbose, replay,
        };
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(ops);
            string? script = null;
            if (parse.GetValue(replay) is { } path)
            {
                if (!File.Exists(path)) throw new UsageException($"--replay: no such file '{path}'");
                script = File.ReadAllText(path);
            }
            int s = parse.GetValue(seed) ?? Random.Shared.Next();
            try
            {
                return new ConformanceDriver(Console.Out).Run(s, n, parse.GetValue(verbose), script);
            }
            catch (FormatException e) when (script is not null)
            {
                throw new UsageException($"--replay: {e.Message}");
            }
        });
        return cmd;
    }
}
