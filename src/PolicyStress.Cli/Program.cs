using System.CommandLine;
using PolicyStress.Cli.Commands;

namespace PolicyStress.Cli;

/// <summary>The policystress command: one verb per file under Commands/.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // The kernel backend's child processes (process model): not a verb for users, so not in the parser or help.
        if (args.Length > 0 && args[0] == "kernel-child") return Harness.KernelBackend.KernelChild.Main(args[1..]);
        var root = new RootCommand("PolicyStress: a concurrent benchmark of Linux shared NUMA memory policy reference counting")
        {
            FiguresCommand.Create(),
            RunCommand.Create(),
            SuiteCommand.Create(),
            TopologyCommand.Create(),
            ConformanceCommand.Create(),
            CompareCommand.Create(),
            PlotCommand.Create(),
            ProfileCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Users script against the CLI: one line naming what was wrong, exit code 2. An unknown word is
            // the most useful thing to name, so it wins over "Required command was not provided".
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            var command = parse.CommandResult.Command;
            string hint = command == root
                ? $"verbs: {string.Join(", ", root.Subcommands.Select(c => c.Name))}"
                : $"policystress {command.Name} --help lists its options";
            Console.Error.WriteLine($"policystress: {error.Message} ({hint})");
            return 2;
        }
        try
        {
            // Without this the parser's own handler prints the stack trace and returns 1, and the
            // UsageException below never arrives.
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"policystress: {e.Message}");
            return 2;
        }
    }
}
