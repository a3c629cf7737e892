using System.CommandLine;

namespace PolicyStress.Cli.Commands;

/// <summary>`policystress topology` (not built yet).</summary>
internal static class TopologyCommand
{
    public static Command Create()
    {
        var cmd = new Command("topology", "(not built yet)");
        cmd.SetAction(_ =>
        {
            Console.Error.WriteLine("policystress: 'topology' is not built yet");
            return 2;
        });
        return cmd;
    }
}
