using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Tests;

/// <summary>The PolicyStress Meter shows a running configuration's counters, tagged with its axes, and nothing once it ends.</summary>
/// <remarks>The Meter is process-wide: every run in the test process publishes to it, so this test runs alone.</remarks>
[Collection(nameof(RunMeterTests))]
public sealed class RunMeterTests
{
    [Fact]
    public async Task ObservableInstrumentsReadTheRunningConfiguration()
    {
        var seen = new ConcurrentDictionary<string, (long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == RunMeter.Name) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            var t = new Dictionary<string, object?>();
            foreach (var kv in tags) t[kv.Key] = kv.Value;
            seen.AddOrUpdate(i.Name, (v, t), (_, old) => v >= old.Value ? (v, t) : old);
        });
        listener.Start();
        var config = new RunConfig
        {
            Workload = WorkloadKind.Churn, Scheme = RefScheme.VmaHeldEpoch, SpLock = SpLockKind.Snapshot, Tasks = 2,
            Warmup = TimeSpan.FromMilliseconds(50), Duration = TimeSpan.FromMilliseconds(400), Interval = TimeSpan.FromMilliseconds(100),
        };
        var run = Task.Run(() => StressRunner.Run(config, TestTopologies.LiveVirtual()));
        while (!run.IsCompleted)
        {
            listener.RecordObservableInstruments();
            await Task.Delay(20);
        }
        var outcome = await run;

        Assert.True(seen.TryGetValue("policystress.faults", out var faults), string.Join(", ", seen.Keys));
        Assert.InRange(faults.Value, 1, outcome.Allocations + outcome.MinorFaults);
        Assert.Equal(("churn", "vma-held-epoch", "snapshot", 2, "engine"),
            (faults.Tags["workload"], faults.Tags["scheme"], faults.Tags["sp_lock"], faults.Tags["tasks"], faults.Tags["backend"]));
        Assert.Contains("policystress.refcount.atomics", seen.Keys);
        Assert.Contains("policystress.audit.findings", seen.Keys);
        Assert.Contains("policystress.policies.waiting", seen.Keys);
        Assert.True(seen.TryGetValue("policystress.writer.operations", out var ops));
        Assert.Contains(ops.Tags["writer"], new object?[] { "mbind", "attach", "setpol", "numamaps", "hugetlb" });

        seen.Clear();
        listener.RecordObservableInstruments();
        Assert.Empty(seen);   // the run is over: nothing to report
    }
}

/// <summary>Runs <see cref="RunMeterTests"/> with no other test of the assembly beside it.</summary>
[CollectionDefinition(nameof(RunMeterTests), DisableParallelization = true)]
public sealed class RunMeterCollection;
