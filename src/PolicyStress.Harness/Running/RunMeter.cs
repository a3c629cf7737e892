using System.Diagnostics.Metrics;
using PolicyStress.Engine;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Running;

/// <summary>
/// The <c>PolicyStress</c> Meter: what the configuration now running has done so far, for
/// <c>dotnet-counters monitor -n policystress --counters PolicyStress</c>. Every instrument is observable:
/// a listener's poll (once a second) reads the counters the tasks, writers and auditor already keep, so
/// nothing is added to the fault path and an unwatched run pays nothing.
/// </summary>
/// <remarks>
/// The polled counters are plain 64-bit fields their owning threads write; an aligned long read on a
/// 64-bit runtime is never torn, and a value a poll sees one interval late is fine for a rate display.
/// </remarks>
public static class RunMeter
{
    public const string Name = "PolicyStress";

    private static readonly Meter Meter = new(Name, "1.0");
    // One run at a time: the sweep runs its points one after another. Volatile: a listener's thread that
    // reads the reference sees the Source fully constructed (release on write, acquire on read).
    private static volatile Source? s_current;

    static RunMeter()
    {
        Meter.CreateObservableCounter("policystress.faults", () => Observe(s => s.Faults()), "{fault}",
            "Page faults the faulting tasks have handled (warm-up included)");
        Meter.CreateObservableCounter("policystress.refcount.atomics", () => Observe(s => s.RefAtomics()), "{atomic}",
            "Atomic operations on policy reference counts done by faults");
        Meter.CreateObservableCounter("policystress.writer.operations", ObserveWriters, "{operation}",
            "Writer operations (mbind, attach, setpol, numamaps, hugetlb) in the measured window");
        Meter.CreateObservableGauge("policystress.audit.findings", () => Observe(s => s.Kernel.Audit(quiescent: false).Findings), "{finding}",
            "Auditor findings so far (uses after free, underflows, static puts, double frees, tree errors)");
        Meter.CreateObservableUpDownCounter("policystress.policies.waiting", () => Observe(s => s.Kernel.Auditor.WaitingNow), "{policy}",
            "Policies unlinked but not yet freed: waiting for a grace period or for their attachers to detach");
    }

    /// <summary>Publish this run's counters until the returned handle is disposed.</summary>
    internal static IDisposable Track(RunConfig config, Kernel kernel, Workload workload, IReadOnlyList<WriterWorker> writers)
    {
        var s = new Source(Tags(config), kernel, workload, writers);
        s_current = s;
        return s;
    }

    /// <summary>The tags every measurement carries: the configuration's axes.</summary>
    private static KeyValuePair<string, object?>[] Tags(RunConfig c) =>
    [
        new("workload", WorkloadNames.Name(c.Workload)),
        new("scheme", SchemeSpelling.Name(c.Scheme)),
        new("sp_lock", SchemeSpelling.Name(c.SpLock)),
        new("tasks", c.Tasks),
        new("backend", "engine"),
    ];

    private static IEnumerable<Measurement<long>> Observe(Func<Source, long> read) =>
        s_current is { } s ? [new Measurement<long>(read(s), s.Tags)] : [];

    private static IEnumerable<Measurement<long>> ObserveWriters()
    {
        if (s_current is not { } s) yield break;
        for (int i = 0; i < s.Writers.Count; i++)
            yield return new Measurement<long>(s.Writers[i].Ops,
                [.. s.Tags, new("writer", CsvSchema.WriterPrefixes[(int)s.Workload.Writers[i].Kind])]);
    }

    private sealed class Source(KeyValuePair<string, object?>[] tags, Kernel kernel, Workload workload, IReadOnlyList<WriterWorker> writers)
        : IDisposable
    {
        public KeyValuePair<string, object?>[] Tags { get; } = tags;
        public Kernel Kernel { get; } = kernel;
        public Workload Workload { get; } = workload;
        public IReadOnlyList<WriterWorker> Writers { get; } = writers;

        public long Faults() => Workload.Targets.Sum(t => t.Task.Counters.Allocations + t.Task.Counters.MinorFaults);
        public long RefAtomics() => Workload.Targets.Sum(t => t.Task.Counters.RefAtomics);

        public void Dispose()
        {
            if (s_current == this) s_current = null;
        }
    }
}
