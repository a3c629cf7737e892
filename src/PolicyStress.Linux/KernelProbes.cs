using System.Runtime.InteropServices;

namespace PolicyStress.Linux;

/// <summary>
/// Behaviours of the running kernel that differ between builds and boot options and that a model of it
/// must be told about: each probe does the smallest real thing and looks at the result.
/// </summary>
public static class KernelProbes
{
    private static readonly ulong Page = (ulong)Environment.SystemPageSize;

    /// <summary>
    /// Whether a read fault on untouched private anonymous memory maps the shared zero page
    /// (mm/memory.c do_anonymous_page) instead of allocating: one page is mapped, read, and looked up in
    /// /proc/self/numa_maps, which counts no page for a vma that maps only the zero page. Mainline maps it;
    /// kernels that forbid it (mm_forbids_zeropage(), a guest booted with pvm_no_zero_page=1) allocate.
    /// </summary>
    public static bool ReadFaultMapsZeroPage()
    {
        // Two guard pages around the probe page keep its vma from merging with a neighbour's counts.
        long base_ = LinuxSyscalls.Mmap(0, 3 * Page, LinuxConstants.PROT_NONE,
            LinuxConstants.MAP_PRIVATE | LinuxConstants.MAP_ANONYMOUS | LinuxConstants.MAP_NORESERVE, -1, 0);
        if (base_ < 0) throw new InvalidOperationException($"zero-page probe: mmap failed with errno {-base_}");
        try
        {
            ulong probe = (ulong)base_ + Page;
            long got = LinuxSyscalls.Mmap((nint)probe, Page, LinuxConstants.PROT_READ | LinuxConstants.PROT_WRITE,
                LinuxConstants.MAP_PRIVATE | LinuxConstants.MAP_ANONYMOUS | LinuxConstants.MAP_FIXED, -1, 0);
            if (got != (long)probe) throw new InvalidOperationException($"zero-page probe: mmap MAP_FIXED failed with errno {-got}");
            _ = Marshal.ReadByte((nint)probe);
            var line = NumaMapsParser.ReadSelf().FirstOrDefault(l => l.Start == probe);
            return line is null || line.TotalPages == 0;
        }
        finally
        {
            LinuxSyscalls.Munmap((nint)base_, 3 * Page);
        }
    }
}
