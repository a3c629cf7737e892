using PolicyStress.Harness.Running;

namespace PolicyStress.Cli.Commands;

/// <summary>What the kernel backend and the policy switch accept, checked before any point runs.</summary>
internal static class KernelOptions
{
    public static void Check(IEnumerable<RunConfig> configs)
    {
        foreach (var c in configs)
        {
            if (c.Backend == RunBackend.Engine && c.Policy == RunPolicy.None && !EngineHasPolicyNone)
                throw new UsageException("--policy: none is not modelled by the engine backend yet; accepted: --policy none with --backend kernel, or --policy interleave");
            if (c.Backend == RunBackend.Kernel && !OperatingSystem.IsLinux())
                throw new UsageException("--backend: kernel needs Linux (SysV shm, mbind, numa_maps); accepted: --backend engine");
        }
    }

    /// <summary>Whether the engine's workloads obey <see cref="RunConfig.Policy"/> (the engine's --policy lands separately).</summary>
    private const bool EngineHasPolicyNone = false;
}
