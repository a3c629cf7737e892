namespace PolicyStress.Harness.Running;

/// <summary>The backends of <c>--backend</c>.</summary>
public enum RunBackend
{
    /// <summary>The engine: the simulated fault path, its schemes and locks, under the auditor.</summary>
    Engine,
    /// <summary>
    /// The running kernel: pinned threads or child processes fault real SysV shm pages through a pointer
    /// (shmem_fault), the policy set with the real mbind. Schemes, locks and the auditor do not apply.
    /// </summary>
    Kernel,
}

/// <summary>The spellings of <see cref="RunBackend"/> in the CLI and the CSV.</summary>
public static class BackendNames
{
    public static readonly (string Name, RunBackend Value)[] Backends = [("engine", RunBackend.Engine), ("kernel", RunBackend.Kernel)];

    public static string Name(RunBackend b) => Array.Find(Backends, x => x.Value == b).Name;

    public static bool TryParse(string s, out RunBackend b)
    {
        foreach (var (n, v) in Backends)
            if (string.Equals(n, s.Trim(), StringComparison.OrdinalIgnoreCase)) { b = v; return true; }
        b = default;
        return false;
    }
}
