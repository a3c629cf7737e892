using System.CommandLine;

namespace PolicyStress.Cli.Commands;

/// <summary>`policystress run` (not built yet).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var cmd = new Command("run", "(not built yet)");
        cmd.SetAction(_ =>
        {
            Console.Error.WriteLine("policystress: 'run' is not built yet");
            return 2;
        });
        return cmd;
    }
}
