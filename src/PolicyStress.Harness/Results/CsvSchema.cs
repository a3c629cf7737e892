namespace PolicyStress.Harness.Results;

/// <summary>
/// The result CSV's columns, in order, with their meaning. Documented in results/README.md; bump
/// <see cref="Version"/> whenever a column is added, removed, renamed or changes meaning.
/// </summary>
public static class CsvSchema
{
    public const int Version = 4;

    /// <summary>The writer kinds' column prefixes, in the order of <c>WriterKind</c>.</summary>
    public static readonly string[] WriterPrefixes = ["mbind", "attach", "setpol", "numamaps", "hugetlb"];

    // After WriterPrefixes: static fields initialise in text order.
    public static readonly (string Name, string Meaning)[] Columns = BuildColumns();

    public static string Header => string.Join(',', Columns.Select(c => c.Name));

    /// <summary>
    /// Decimals a number in <paramref name="column"/> is written with, by its unit: rates (<c>*_per_s</c>,
    /// <c>*_per_cpu_s</c>) and nanoseconds whole, microseconds to 0.1, seconds to 1 µs, anything else (ratios,
    /// per-fault counts) to 4 decimals. Fixed point, never an exponent, so equal values are equal text.
    /// </summary>
    public static int Decimals(string column) =>
        column.EndsWith("_per_s", StringComparison.Ordinal) || column.EndsWith("_per_cpu_s", StringComparison.Ordinal) ? 0
        : column.EndsWith("_ns", StringComparison.Ordinal) ? 0
        : column.EndsWith("_us", StringComparison.Ordinal) ? 1
        : column.EndsWith("_s", StringComparison.Ordinal) ? 6
        : 4;

    private static (string, string)[] BuildColumns()
    {
        var c = new List<(string, string)>
        {
            ("schema_version", "version of this schema"),
            ("utc_start", "UTC time the suite or run began (ISO 8601)"),
            ("git_commit", "commit of the binary's repository, 12 hex digits"),
            ("git_dirty", "true when tracked files differed from the commit"),
            ("host", "machine name"),
            ("os", "OS description"),
            ("kernel_release", "uname -r"),
            ("cpu_model", "first model name of /proc/cpuinfo"),
            ("logical_cpus", "online CPUs of the machine"),
            ("numa_nodes", "NUMA nodes of the machine"),
            ("topology", "real (sysfs nodes) or virtual (--fake-numa split)"),
            ("topology_nodes", "nodes of the topology the run used"),
            ("allowed_cpus", "CPUs this process may use (cpuset/taskset), kernel list format"),
            ("dotnet_version", ".NET runtime description"),
            ("gc_mode", "workstation|server and concurrent|nonconcurrent"),
            ("tiered_compilation", "DOTNET_TieredCompilation or the runtimeconfig switch; default when unset"),
            ("tiered_pgo", "DOTNET_TieredPGO or the runtimeconfig switch; default when unset"),
            ("workload", "pft|wis|storm|churn"),
            ("scheme", "refcount scheme (n/a on the kernel backend)"),
            ("sp_lock", "shared policy tree lock: spin|rwlock|rwls|sharded|snapshot (v4: rwlock is the kernel's qrwlock, rwls ReaderWriterLockSlim; n/a on the kernel backend)"),
            ("bugs", "2007 bugs switched on (lookup-2007), '+'-separated, none (n/a on the kernel backend)"),
            ("tasks", "--tasks value"),
            ("faulting_tasks", "faulting threads started (storm: tasks x storm factor)"),
            ("threads_per_mm", "tasks sharing one mm (1 = process model)"),
            ("placement", "spread|compact|nodes=a:b"),
            ("cpus", "planned CPU of each task, ':'-separated"),
            ("oversubscribed", "true when faulting tasks outnumber the CPUs of the placement (storm by design; other workloads only with --oversubscribe)"),
            ("warmup_s", "warm-up seconds"),
            ("duration_s", "measured seconds requested"),
            ("interval_s", "measured interval length, seconds"),
            ("rep", "repetition, 1-based"),
            ("mbind_rate", "installer mbind calls per second (churn)"),
            ("pages_per_task", "pages each task faults per pass"),
            ("sample_every", "one fault in this many is timed"),
            ("measured_s", "mean measured wall time per task, seconds"),
            ("faults", "faults in the measured window, all tasks"),
            ("fault_errors", "faults that returned an errno (whole run)"),
            ("faults_per_s", "sum over tasks of faults per wall second"),
            ("faults_per_cpu_s", "faults per second of faulting-thread CPU time"),
            ("task_min_faults_per_s", "slowest task's faults per second (fairness)"),
            ("task_max_faults_per_s", "fastest task's faults per second"),
            ("task_cv", "fairness: coefficient of variation of the tasks' faults per second (sample stddev / mean; 0 with one task)"),
            ("interval_faults_per_s", "faults per second of each measured interval, summed over tasks, ':'-separated (not independent samples)"),
            ("lat_samples", "timed faults in the measured window"),
            ("lat_p50_ns", "fault latency median, ns (log-linear histogram, <=3% error)"),
            ("lat_p99_ns", "fault latency 99th percentile, ns"),
            ("lat_p999_ns", "fault latency 99.9th percentile, ns"),
            ("lat_max_ns", "largest timed fault, ns"),
            ("ref_atomics_per_fault", "refcount atomic operations per fault"),
            ("allocations", "page allocations by the faulting tasks (whole run)"),
            ("minor_faults", "faults that found the page present (whole run; 0 expected)"),
            ("cpu_mismatches", "tasks whose sched_getcpu differed from the planned CPU"),
            ("observed_cpus", "sched_getcpu of each task after pinning, ':'-separated"),
        };
        foreach (var w in WriterPrefixes)
        {
            c.Add(($"{w}_ops", $"{w} writer operations in the measured window"));
            c.Add(($"{w}_failures", $"{w} operations the engine refused"));
            c.Add(($"{w}_p50_ns", $"{w} operation latency median, ns"));
            c.Add(($"{w}_p99_ns", $"{w} operation latency 99th percentile, ns"));
            c.Add(($"{w}_max_ns", $"{w} longest operation, ns"));
        }
        c.AddRange(
        [
            ("uaf", "auditor: uses after free"),
            ("underflow", "auditor: counts that went below zero"),
            ("static_puts", "auditor: puts on static policies never got"),
            ("double_free", "auditor: puts on freed policies"),
            ("leaked", "auditor: live policies no structure owns"),
            ("tree_errors", "auditor: shared tree invariant violations"),
            ("ref_mismatch", "auditor: counts that differ from owned references"),
            ("waiting_peak", "most policies waiting to be freed at once (graveyard/epoch/snapshot)"),
            ("freed", "policies freed"),
            ("still_waiting", "policies still waiting to be freed when the run ended (graveyard: until their attachers detach)"),
            ("waited", "policies that waited to be freed (graveyard/epoch/snapshot) and were freed"),
            ("wait_mean_us", "mean time those policies waited, microseconds (empty when none waited)"),
            ("wait_max_us", "longest time a policy waited, microseconds (empty when none waited)"),
            ("findings", "sum of the auditor's findings"),
            ("claims_safety", "the scheme claims safety (a finding is a failure)"),
            ("audit_failed", "claims_safety and findings > 0"),
        ]);
        // v4: the kernel anchor (issue 8), appended so that the v3 columns keep their places.
        c.AddRange(
        [
            ("policy", "interleave|none: what the workload's setup installs on the faulted segments (none: no mbind, the empty-tree fast path)"),
            ("wait_p50_us", "median time a policy waited to be freed (grace period, percpu kill, hazard scan, Refcache epochs, graveyard), microseconds (log-linear histogram, within 12.5%; empty when none waited)"),
            ("wait_p99_us", "99th percentile of that wait, microseconds (empty when none waited)"),
            ("held_peak_bytes", "kernel memory the waiting policies held at their peak: waiting_peak x (struct mempolicy, 272 bytes, plus percpu_bytes_per_policy)"),
            ("held_end_bytes", "kernel memory the policies still waiting at the end held (still_waiting x the same)"),
            ("percpu_bytes_per_policy", "percpu-ref: per-CPU counter bytes each policy costs (8 x CPUs of the topology); 0 for other schemes"),
            ("hazard_scans", "hazptr: scans of every task's hazard slot (one per reclaim with retired policies)"),
            ("hazard_scan_slots", "hazptr: slots the scans read, in all"),
            ("hazard_scan_mean_ns", "hazptr: mean duration of one scan, ns (empty without scans)"),
            ("backend", "engine (the model) or kernel (real faults on SysV segments in the running kernel)"),
            ("fault_ns", "mean ns per fault inside the timed window: 1e9 x faulting tasks / faults_per_s"),
            ("free_s", "kernel, and engine with --schedule barrier: mean seconds per task spent freeing pages (MADV_REMOVE) between measured passes, outside the window; empty on inline engine rows"),
            ("kernel_faults", "kernel: the kernel's count of the tasks' minor faults inside the window (getrusage RUSAGE_THREAD); equals faults when every write faulted once; empty on the engine"),
            ("numa_maps_check", "kernel: ok, or failed:<reason> when /proc/<pid>/numa_maps disagreed with the policy (such a point has no row); n/a on the engine"),
        ]);
        // v4: the lock kinds (issue 9), appended so that the v3 columns keep their places.
        c.AddRange(
        [
            ("mmap_lock", "rwls|rwsem|per-vma: the lock faults take to find their vma (rwls: ReaderWriterLockSlim as the mm's lock; rwsem: rw_semaphore fast path; per-vma: the vma's own refcount lock, falling back to the rwsem)"),
            ("vma_lock_fallbacks", "faults that found no vma they could read-lock and took the mmap lock instead (per-vma; whole run; 0 for the other kinds)"),
            // issue 8, the engine side: kernel-shaped fault costs and their calibration, the pass schedule.
            ("fault_cost", "isolated|kernel: the model's policy path alone, or with the kernel's other work on each allocating fault (engine kernel-shaped)"),
            ("private_work_ns", "kernel fault cost: calibrated private work per allocating fault, ns (real_fault_ns - model_fault_ns, or --private-work N); empty when isolated"),
            ("private_work_source", "kernel fault cost: measured (the real kernel at run start), default (2800 ns documented) or given (--private-work N); empty when isolated"),
            ("real_fault_ns", "kernel fault cost: the real single-task fault the calibration made up to, ns; empty when isolated or given"),
            ("model_fault_ns", "kernel fault cost: the model's own single-task allocating fault with the kernel-shaped pieces and no private work, ns; empty when isolated or given"),
            ("schedule", "inline (each engine task frees its pass at once, inside the window) or barrier (all tasks fault a pass, barrier, free outside the window, barrier; kernel rows are always barrier)"),
        ]);
        return [.. c];
    }
}
