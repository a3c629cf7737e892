using System.Diagnostics;

namespace PolicyStress.Cli.Tests;

/// <summary>
/// SIGTERM (timeout, systemd, CI), SIGINT (Ctrl-C) and SIGHUP to a sweep in progress: the finished rows
/// are published under the final name, no .tmp is left, the output says how far it got, and the exit code
/// is 128 + the signal's number.
/// </summary>
public sealed class SignalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policystress-signal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("INT", 2)]
    [InlineData("HUP", 1)]
    public async Task ASignalKeepsTheFinishedRowsAndLeavesNoTmp(string signal, int number)
    {
        string csv = Path.Combine(_dir, "sweep.csv");
        using var p = Process.Start(CliProcess.Info(["run", "--reps", "50", "--csv", csv, .. CliProcess.Short]))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null)
        {
            lines.Add(line);
            if (line.StartsWith('[') && line.Contains(" faults/s")) break;   // a point is finished and measured
        }
        Assert.NotNull(line);
        using (var kill = Process.Start("kill", ["-s", signal, p.Id.ToString()])) kill.WaitForExit();
        lines.AddRange(p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));

        Assert.Equal(128 + number, p.ExitCode);
        Assert.StartsWith("topology: ", lines[0]);
        string interrupted = Assert.Single(lines, l => l.StartsWith("interrupted: ", StringComparison.Ordinal));
        int finished = int.Parse(interrupted.Split(' ')[1]);
        Assert.Equal($"interrupted: {finished} of 50 point(s) finished", interrupted);
        Assert.InRange(finished, 1, 49);
        Assert.Equal($"csv: {csv}", lines[^1]);
        // header + every finished point (but one whose task was starved of CPU: not measured, no row)
        Assert.InRange(File.ReadAllLines(csv).Length, 2, 1 + finished);
        Assert.False(File.Exists(csv + ".tmp"));
        Assert.All((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Contains(" not measured", l));   // a starved point, or the summary of them
    }
}
