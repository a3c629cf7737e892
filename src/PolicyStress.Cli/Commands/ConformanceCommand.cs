using System.CommandLine;

namespace PolicyStress.Cli.Commands;

/// <summary>`policystress conformance` (not built yet).</summary>
internal static class ConformanceCommand
{
    public static Command Create()
    {
        var cmd = new Command("conformance", "(not built yet)");
        cmd.SetAction(_ =>
        {
            Console.Error.WriteLine("policystress: 'conformance' is not built yet");
            return 2;
        });
        return cmd;
    }
}
