using System.Diagnostics;
using Xunit.Abstractions;

namespace PolicyStress.Cli.Tests;

/// <summary>
/// `./run.sh topology | head` carries only the program's output: run.sh's build writes nothing to stdout.
/// It runs after `./run.sh test` built everything, so MSBuild has nothing to do; a test binary that is not
/// the Release build run.sh makes would trigger a full build, so it says SKIPPED instead.
/// </summary>
public sealed class QuietBuildTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RunShStdoutStartsWithTheProgramsOwnFirstLine()
    {
        string? repo = Harness.Results.Provenance.FindRepo(AppContext.BaseDirectory);
        if (repo is null || !AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal))
        {
            output.WriteLine($"SKIPPED: not the Release build of a checkout ({AppContext.BaseDirectory}); run.sh would rebuild it");
            return;
        }
        var psi = new ProcessStartInfo(Path.Combine(repo, "run.sh"), ["topology"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repo,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)));

        Assert.Equal(0, p.ExitCode);
        Assert.StartsWith("topology: ", CliProcess.FirstLine(stdout));
        Assert.Equal("", await stderr);
    }
}
