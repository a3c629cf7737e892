using PolicyStress.Harness.Running;

namespace PolicyStress.Cli.Commands;

/// <summary>What the kernel backend accepts, checked before any point runs.</summary>
internal static class KernelOptions
{
    public static void Check(IEnumerable<RunConfig> configs)
    {
        foreach (var c in configs)
        {
            if (c.Backend == RunBackend.Kernel && !OperatingSystem.IsLinux())
                throw new UsageException("--backend: kernel needs Linux (SysV shm, mbind, numa_maps); accepted: --backend engine");
        }
    }
}
