using System.Diagnostics;

namespace PolicyStress.Cli.Tests;

/// <summary>
/// The built CLI as a child process — `dotnet policystress.dll ARGS`, the copy in this test's output folder —
/// for what only a process shows: exit codes, stdout and stderr apart, signals, another user.
/// </summary>
internal static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "policystress.dll");

    /// <summary>Arguments that make a run short: one 100 ms interval, no warm-up.</summary>
    public static readonly string[] Short = ["--duration", "100ms", "--warmup", "0", "--interval", "100ms"];

    /// <summary>`[prefix…] dotnet policystress.dll args…`, output redirected, in the temp folder.</summary>
    public static ProcessStartInfo Info(IEnumerable<string> args, string[]? prefix = null)
    {
        var command = (prefix ?? []).Concat(["dotnet", Dll]).Concat(args).ToList();
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string a in command.Skip(1)) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Run to the end (at most 2 minutes); <paramref name="prefix"/> runs it under another command (setpriv …).</summary>
    public static (int Exit, string Out, string Err) Run(IEnumerable<string> args, string[]? prefix = null)
    {
        using var p = Process.Start(Info(args, prefix))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"policystress {string.Join(' ', args)} did not end");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');

    /// <summary>The effective uid of this process (/proc/self/status).</summary>
    public static int EffectiveUid() =>
        int.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);
}
