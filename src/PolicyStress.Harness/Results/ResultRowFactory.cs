using System.Globalization;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Results;

/// <summary>Builds the CSV row of one finished run: provenance, configuration, measurements, audit.</summary>
public static class ResultRowFactory
{
    public static ResultRow Create(Provenance p, RunTopology t, RunConfig c, RunOutcome o)
    {
        var r = new ResultRow();
        r.Set("schema_version", CsvSchema.Version);
        r["utc_start"] = p.UtcStart.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        r["git_commit"] = p.GitCommit;
        r.Set("git_dirty", p.GitDirty);
        r["host"] = p.Host;
        r["os"] = p.Os;
        r["kernel_release"] = p.KernelRelease;
        r["cpu_model"] = t.CpuModel;
        r.Set("logical_cpus", t.LogicalCpus);
        r.Set("numa_nodes", t.MachineNodes);
        r["topology"] = t.Kind;
        r.Set("topology_nodes", t.Nodes.Count);
        r["allowed_cpus"] = Linux.CpuList.Format(t.AllowedCpus);
        r["dotnet_version"] = p.DotnetVersion;
        r["gc_mode"] = p.GcMode;
        r["tiered_compilation"] = p.TieredCompilation;
        r["tiered_pgo"] = p.TieredPgo;

        bool kernel = c.Backend == RunBackend.Kernel;
        r["backend"] = BackendNames.Name(c.Backend);
        r["workload"] = WorkloadNames.Name(c.Workload);
        r["policy"] = PolicyNames.Name(c.Policy);
        // The kernel has no schemes, locks or 2007 bugs: its rows say so rather than carry the defaults.
        r["scheme"] = kernel ? NotApplicable : SchemeSpelling.Name(c.Scheme);
        r["sp_lock"] = kernel ? NotApplicable : SchemeSpelling.Name(c.SpLock);
        r["bugs"] = kernel ? NotApplicable : SchemeSpelling.Name(c.Bugs);
        r.Set("tasks", c.Tasks);
        r.Set("faulting_tasks", c.FaultingTasks);
        r.Set("threads_per_mm", c.ThreadsPerMm);
        r["placement"] = c.Placement.ToString();
        r["cpus"] = string.Join(':', o.PlannedCpus);
        r.Set("oversubscribed", o.Oversubscribed);
        r.Set("warmup_s", c.Warmup.TotalSeconds);
        r.Set("duration_s", c.Duration.TotalSeconds);
        r.Set("interval_s", c.Interval.TotalSeconds);
        r.Set("rep", c.Rep);
        r.Set("mbind_rate", c.MbindRate);
        r.Set("pages_per_task", c.PagesPerTask);
        r.Set("sample_every", c.SampleEvery);

        r.Set("measured_s", o.MeasuredSeconds);
        r.Set("faults", o.Faults);
        r.Set("fault_errors", o.FaultErrors);
        r.Set("faults_per_s", o.FaultsPerSec);
        r.Set("faults_per_cpu_s", o.FaultsPerCpuSec);
        r.Set("task_min_faults_per_s", o.TaskMinFaultsPerSec);
        r.Set("task_max_faults_per_s", o.TaskMaxFaultsPerSec);
        r.Set("task_cv", o.TaskCv);
        r.Set("interval_faults_per_s", o.IntervalFaultsPerSec);
        r.Set("lat_samples", o.LatencySamples);
        r.Set("lat_p50_ns", o.LatP50Ns);
        r.Set("lat_p99_ns", o.LatP99Ns);
        r.Set("lat_p999_ns", o.LatP999Ns);
        r.Set("lat_max_ns", o.LatMaxNs);
        r.Set("ref_atomics_per_fault", o.RefAtomicsPerFault);
        r.Set("allocations", o.Allocations);
        r.Set("minor_faults", o.MinorFaults);
        r.Set("cpu_mismatches", o.CpuMismatches);
        r["observed_cpus"] = string.Join(':', o.ObservedCpus);
        r.Set("fault_ns", o.FaultNs);
        if (o.Kernel is { } facts)
        {
            r.Set("free_s", facts.FreeSeconds);
            r.Set("kernel_faults", facts.KernelFaults);
            r["numa_maps_check"] = facts.NumaMapsCheck;
        }
        else r["numa_maps_check"] = NotApplicable;
        foreach (WriterKind k in Enum.GetValues<WriterKind>())
        {
            string w = CsvSchema.WriterPrefixes[(int)k];
            var s = o.Writers.GetValueOrDefault(k);
            r.Set($"{w}_ops", s.Ops);
            r.Set($"{w}_failures", s.Failures);
            r.Set($"{w}_p50_ns", s.P50Ns);
            r.Set($"{w}_p99_ns", s.P99Ns);
            r.Set($"{w}_max_ns", s.MaxNs);
        }
        var a = o.Audit;
        r.Set("uaf", a.Uaf);
        r.Set("underflow", a.Underflow);
        r.Set("static_puts", a.StaticPuts);
        r.Set("double_free", a.DoubleFree);
        r.Set("leaked", a.Leaked);
        r.Set("tree_errors", a.TreeErrors);
        r.Set("ref_mismatch", a.RefMismatch);
        r.Set("waiting_peak", a.WaitingPeak);
        r.Set("freed", a.Freed);
        r.Set("still_waiting", a.Waiting);
        r.Set("waited", a.Waited);
        if (!double.IsNaN(a.WaitMeanUs))
        {
            r.Set("wait_mean_us", a.WaitMeanUs);
            r.Set("wait_max_us", a.WaitMaxUs);
        }
        r.Set("findings", a.Findings);
        r.Set("claims_safety", o.ClaimsSafety);
        r.Set("audit_failed", o.AuditFailed);
        r["policy"] = PolicyNames.Name(c.Policy);
        if (!double.IsNaN(a.WaitP50Us))
        {
            r.Set("wait_p50_us", a.WaitP50Us);
            r.Set("wait_p99_us", a.WaitP99Us);
        }
        r.Set("held_peak_bytes", a.HeldPeakBytes);
        r.Set("held_end_bytes", a.HeldEndBytes);
        r.Set("percpu_bytes_per_policy", a.PercpuBytesPerPolicy);
        r.Set("hazard_scans", a.Scans);
        r.Set("hazard_scan_slots", a.ScanSlots);
        if (!double.IsNaN(a.ScanMeanNs)) r.Set("hazard_scan_mean_ns", a.ScanMeanNs);
        r["mmap_lock"] = kernel ? NotApplicable : SchemeSpelling.Name(c.MmapLock);
        r.Set("vma_lock_fallbacks", o.VmaLockFallbacks);
        r["fault_cost"] = kernel ? NotApplicable : FaultCostNames.Name(c.FaultCost);
        r["schedule"] = ScheduleNames.Name(c.Schedule);
        if (o.EngineFreeSeconds is { } freeS) r.Set("free_s", freeS);
        if (o.Calibration is { } cal)
        {
            r.Set("private_work_ns", cal.PrivateWorkNs);
            r["private_work_source"] = cal.Source;
            r.Set("real_fault_ns", cal.RealFaultNs);
            r.Set("model_fault_ns", cal.ModelFaultNs);
        }
        if (kernel) ClearEngineOnly(r);
        return r;
    }

    /// <summary>The spelling of an axis that does not apply to the row's backend.</summary>
    public const string NotApplicable = "n/a";

    /// <summary>
    /// Measurements only the engine makes, left empty on kernel rows: the reference atomics, the minor faults
    /// that found a page, the sampled fault latency (the kernel backend does not time single faults) and the
    /// auditor (there is none). claims_safety and audit_failed stay false.
    /// </summary>
    private static void ClearEngineOnly(ResultRow r)
    {
        foreach (string col in (string[])["ref_atomics_per_fault", "minor_faults", "lat_p50_ns", "lat_p99_ns", "lat_p999_ns", "lat_max_ns",
                     "uaf", "underflow", "static_puts", "double_free", "leaked", "tree_errors", "ref_mismatch", "waiting_peak", "freed",
                     "still_waiting", "waited", "wait_mean_us", "wait_max_us", "wait_p50_us", "wait_p99_us", "held_peak_bytes", "held_end_bytes",
                     "percpu_bytes_per_policy", "hazard_scans", "hazard_scan_slots", "hazard_scan_mean_ns", "findings", "vma_lock_fallbacks"])
            r[col] = "";
    }
}
