using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Tests;

/// <summary>Result rows and files for the compare and plot tests.</summary>
internal static class TestRows
{
    /// <summary>One rep of a configuration; everything not given is a plausible constant.</summary>
    public static ResultRow Row(string scheme, int tasks, double faultsPerSec, int rep = 1, string workload = "pft",
        double latP99 = 500, long findings = 0, bool auditFailed = false, string host = "vm", string commit = "aaaaaaaaaaaa",
        double[]? intervals = null)
    {
        var r = new ResultRow();
        r.Set("schema_version", CsvSchema.Version);
        r["utc_start"] = "2026-11-26T12:00:00Z";
        r["git_commit"] = commit;
        r.Set("git_dirty", false);
        r["host"] = host;
        r["os"] = "Linux";
        r["kernel_release"] = "6.18.0";
        r["cpu_model"] = "Test CPU";
        r.Set("logical_cpus", 2);
        r.Set("topology_nodes", 1);
        r["workload"] = workload;
        r["scheme"] = scheme;
        r["sp_lock"] = "rwlock";
        r["bugs"] = "none";
        r.Set("tasks", tasks);
        r.Set("threads_per_mm", 1);
        r["placement"] = "spread";
        r.Set("rep", rep);
        r.Set("mbind_rate", 2000);
        r.Set("pages_per_task", 256);
        r.Set("faults_per_s", faultsPerSec);
        if (intervals is not null) r.Set("interval_faults_per_s", intervals);
        r.Set("duration_s", 2.0);
        r.Set("interval_s", 0.4);
        r.Set("lat_p99_ns", latP99);
        r.Set("findings", findings);
        r.Set("claims_safety", true);
        r.Set("audit_failed", auditFailed);
        return r;
    }

    public static string Write(string dir, string name, params ResultRow[] rows)
    {
        string path = Path.Combine(dir, name);
        using var w = new CsvResultWriter(path);
        foreach (var r in rows) w.Append(r);
        return w.Complete()!;
    }
}
