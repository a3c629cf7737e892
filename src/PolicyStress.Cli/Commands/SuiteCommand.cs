using System.CommandLine;

namespace PolicyStress.Cli.Commands;

/// <summary>`policystress suite` (not built yet).</summary>
internal static class SuiteCommand
{
    public static Command Create()
    {
        var cmd = new Command("suite", "(not built yet)");
        cmd.SetAction(_ =>
        {
            Console.Error.WriteLine("policystress: 'suite' is not built yet");
            return 2;
        });
        return cmd;
    }
}
