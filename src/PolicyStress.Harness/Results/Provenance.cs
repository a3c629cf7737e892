using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace PolicyStress.Harness.Results;

/// <summary>Where and with what a result was measured: the first columns of every row.</summary>
public sealed record Provenance(
    DateTime UtcStart, string GitCommit, bool GitDirty, string Host, string Os, string KernelRelease,
    string DotnetVersion, string GcMode, string TieredCompilation, string TieredPgo)
{
    /// <summary>Read this process's environment; git is asked in <paramref name="repoDir"/> (or the nearest repository above the binary).</summary>
    public static Provenance Capture(string? repoDir = null)
    {
        repoDir ??= FindRepo(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
        string commit = Git(repoDir, "rev-parse --short=12 HEAD") ?? "unknown";
        bool dirty = !string.IsNullOrWhiteSpace(Git(repoDir, "status --porcelain --untracked-files=no"));
        string kernel = TryRead("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.Version.ToString();
        string gc = (GCSettings.IsServerGC ? "server" : "workstation") +
                    (Switch("System.GC.Concurrent") == "false" ? "-nonconcurrent" : "-concurrent");
        return new Provenance(DateTime.UtcNow, commit, dirty, Environment.MachineName, RuntimeInformation.OSDescription, kernel,
            RuntimeInformation.FrameworkDescription, gc,
            Env("DOTNET_TieredCompilation") ?? Switch("System.Runtime.TieredCompilation") ?? "default",
            Env("DOTNET_TieredPGO") ?? Switch("System.Runtime.TieredPGO") ?? "default");
    }

    /// <summary>
    /// &lt;sweep&gt;/&lt;host&gt;/&lt;UTC date-time&gt;-&lt;commit&gt;.csv under <paramref name="resultsDir"/>: one
    /// folder per sweep and machine, so the runs of one suite on one machine lie side by side in time order,
    /// their rows in the same order, ready to diff or compare across commits.
    /// </summary>
    public string DefaultCsvPath(string resultsDir, string sweep) =>
        Path.Combine(resultsDir, sweep, Host,
            $"{UtcStart.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{GitCommit}{(GitDirty ? "+dirty" : "")}.csv");

    /// <summary>The repository root above <paramref name="from"/> (a folder holding .git), or null.</summary>
    public static string? FindRepo(string from)
    {
        for (var d = new DirectoryInfo(from); d is not null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, ".git")) || File.Exists(Path.Combine(d.FullName, ".git"))) return d.FullName;
        return null;
    }

    private static string? Git(string dir, string args)
    {
        try
        {
            var psi = new ProcessStartInfo("git", args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi);
            if (p is null) return null;
            string o = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? o : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;   // no git on this machine
        }
    }

    private static string? TryRead(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    private static string? Env(string name) => Environment.GetEnvironmentVariable(name);
    private static string? Switch(string name) => AppContext.GetData(name)?.ToString()?.ToLowerInvariant();
}
