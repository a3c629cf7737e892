using System.Diagnostics;
using System.Threading.Channels;
using PolicyStress.Engine;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Running;

/// <summary>
/// Runs one configuration: a fresh kernel, the workload's setup, one pinned thread per faulting task and
/// one thread per writer, released together; the caller's thread collects interval samples; then the
/// auditor runs over the quiescent kernel.
/// </summary>
public static class StressRunner
{
    /// <summary>Run <paramref name="config"/>; throws <see cref="OperationCanceledException"/> if cancelled midway.</summary>
    public static RunOutcome Run(RunConfig config, RunTopology topology, IRunObserver? observer = null, CancellationToken cancel = default)
    {
        if ((config.SampleEvery & (config.SampleEvery - 1)) != 0 || config.SampleEvery < 1)
            throw new ArgumentException("SampleEvery must be a power of two", nameof(config));
        var calibration = config.FaultCost == FaultCostKind.Kernel ? FaultCostCalibration.Resolve(config.PrivateWork, topology) : null;
        var kernel = new Kernel(topology.ToEngine(), new KernelConfig
        {
            Scheme = config.Scheme, SpLock = config.SpLock, MmapLock = config.MmapLock, Bugs = config.Bugs,
            FaultCost = config.FaultCost, PrivateWorkIterations = calibration?.Iterations ?? 0,
            // The engine reads no clock; it asks this one, on writer paths only, how long freed policies waited.
            ClockNs = () => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency)),
        });
        int[] cpus = PlacementPlanner.Plan(topology, config.FaultingTasks, config.Placement);
        var workload = Workload.Create(config.Workload);
        workload.Setup(kernel, config, cpus);
        foreach (var t in workload.Idle) kernel.TaskOffline(t);

        int n = workload.Targets.Count;
        var slots = new PaddedSlot[n];
        var histograms = new LatencyHistogram[n];
        var control = new RunControl(n + workload.Writers.Count, config);
        // Bounded: each task sends intervals + 2 messages; the bound only guards against a stuck collector.
        var channel = Channel.CreateBounded<IntervalSample>(new BoundedChannelOptions(Math.Max(64, n * 4))
        {
            SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait,
        });
        var threads = new List<Thread>();
        using var passBarrier = config.Schedule == ScheduleKind.Barrier ? new Barrier(n) : null;
        for (int i = 0; i < n; i++)
        {
            histograms[i] = new LatencyHistogram();
            var w = new FaulterWorker(kernel, workload.Targets[i], i, slots, histograms[i], channel.Writer, control, config.SampleEvery, passBarrier);
            threads.Add(new Thread(w.Run) { IsBackground = true, Name = $"faulter-{i}" });
        }
        var writers = workload.Writers.Select(w => new WriterWorker(kernel, w, control)).ToList();
        // Named by kind, so a trace or `top -H` shows which writer is which.
        threads.AddRange(writers.Select((w, i) => new Thread(w.Run)
            { IsBackground = true, Name = $"writer-{CsvSchema.WriterPrefixes[(int)workload.Writers[i].Kind]}" }));
        using var meter = RunMeter.Track(config, kernel, workload, writers);
        foreach (var t in threads) t.Start();

        using var reg = cancel.Register(() => control.Fail(new OperationCanceledException(cancel)));
        control.Ready.Wait(cancel);
        control.Release();
        var collector = new Collector(n, control.Intervals, config, observer);
        long deadline = control.EndTs + Stopwatch.Frequency * (30 + (long)config.Duration.TotalSeconds);
        collector.Drain(channel.Reader, control, deadline);
        foreach (var t in threads) t.Join();
        if (control.Error is { } err)
        {
            if (err is OperationCanceledException) throw new OperationCanceledException("run cancelled", err, cancel);
            throw new InvalidOperationException($"run failed: {err.Message}", err);
        }
        return Measure(config, kernel, cpus, slots, histograms, collector, workload, writers, control) with { Calibration = calibration };
    }

    private static RunOutcome Measure(RunConfig config, Kernel kernel, int[] cpus, PaddedSlot[] slots, LatencyHistogram[] histograms,
        Collector c, Workload workload, List<WriterWorker> writers, RunControl control)
    {
        int n = slots.Length, last = control.Intervals;
        double f = 0, cpuNs = 0, refs = 0, sumRate = 0, min = double.MaxValue, max = 0, secs = 0, shortest = double.MaxValue;
        var rates = new double[n];
        for (int i = 0; i < n; i++)
        {
            double fi = c.Faults[i, last] - c.Faults[i, 0];
            double dt = (double)(c.Ts[i, last] - c.Ts[i, 0]) / Stopwatch.Frequency;
            double rate = dt > 0 ? fi / dt : 0;
            f += fi;
            cpuNs += c.CpuNs[i, last] - c.CpuNs[i, 0];
            refs += c.Refs[i, last] - c.Refs[i, 0];
            sumRate += rate;
            rates[i] = rate;
            min = Math.Min(min, rate);
            max = Math.Max(max, rate);
            secs += dt;
            shortest = Math.Min(shortest, dt);
        }
        var lat = new LatencyHistogram();
        foreach (var h in histograms) lat.Add(h);
        long allocations = 0, minor = 0, vmaFallbacks = 0;
        foreach (var t in workload.Targets)
        {
            allocations += t.Task.Counters.Allocations;
            minor += t.Task.Counters.MinorFaults;
            vmaFallbacks += t.Task.Counters.VmaLockFallbacks;
        }
        var writerStats = new Dictionary<WriterKind, WriterStats>();
        double window = (double)(control.EndTs - control.WarmupEndTs) / Stopwatch.Frequency;
        for (int i = 0; i < writers.Count; i++)
        {
            var w = writers[i];
            writerStats[workload.Writers[i].Kind] = new WriterStats(w.Ops, w.Failures, window > 0 ? w.Ops / window : 0,
                w.Latency.QuantileNs(0.5), w.Latency.QuantileNs(0.99), w.Latency.MaxNs);
        }
        return new RunOutcome
        {
            PlannedCpus = cpus,
            ObservedCpus = [.. slots.Select(s => s.ObservedCpu)],
            MeasuredSeconds = n > 0 ? secs / n : 0,
            ShortestTaskSeconds = n > 0 ? shortest : 0,
            Faults = (long)f,
            FaultErrors = slots.Sum(s => s.Errors),
            FaultsPerSec = sumRate,
            FaultsPerCpuSec = cpuNs > 0 ? f / (cpuNs / 1e9) : 0,
            TaskMinFaultsPerSec = n > 0 ? min : 0,
            TaskMaxFaultsPerSec = max,
            TaskCv = CoefficientOfVariation(rates),
            IntervalFaultsPerSec = IntervalRates(c, n, last),
            LatencySamples = lat.Count,
            LatP50Ns = lat.QuantileNs(0.5),
            LatP99Ns = lat.QuantileNs(0.99),
            LatP999Ns = lat.QuantileNs(0.999),
            LatMaxNs = lat.MaxNs,
            RefAtomicsPerFault = f > 0 ? refs / f : 0,
            Allocations = allocations,
            MinorFaults = minor,
            VmaLockFallbacks = vmaFallbacks,
            Writers = writerStats,
            Audit = kernel.Audit(),
            ClaimsSafety = kernel.Config.ClaimsSafety,
            EngineFreeSeconds = config.Schedule == ScheduleKind.Barrier && n > 0
                ? slots.Average(s => (double)s.FreeTicks) / Stopwatch.Frequency : null,
        };
    }

    /// <summary>Sample standard deviation over the mean (perf bench's "± x%" is this × 100); 0 for one value.</summary>
    internal static double CoefficientOfVariation(IReadOnlyList<double> v)
    {
        if (v.Count < 2) return 0;
        double mean = v.Average();
        if (mean <= 0) return 0;
        double ss = v.Sum(x => (x - mean) * (x - mean));
        return Math.Sqrt(ss / (v.Count - 1)) / mean;
    }

    /// <summary>Interval k's rate: the tasks' faults between boundaries k-1 and k over each task's own time between them, summed.</summary>
    private static double[] IntervalRates(Collector c, int tasks, int intervals)
    {
        var rates = new double[intervals];
        for (int k = 1; k <= intervals; k++)
            for (int i = 0; i < tasks; i++)
            {
                double dt = (double)(c.Ts[i, k] - c.Ts[i, k - 1]) / Stopwatch.Frequency;
                if (dt > 0) rates[k - 1] += (c.Faults[i, k] - c.Faults[i, k - 1]) / dt;
            }
        return rates;
    }
}
