using System.Diagnostics;
using System.Globalization;
using System.Text;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;
using PolicyStress.Linux;

namespace PolicyStress.Harness.KernelBackend;

/// <summary>
/// Runs one configuration on the running kernel (<c>--backend kernel</c>). The parent creates the SysV segments
/// (pft, storm, churn: one shared by every task, each task faulting its own slice; wis: one per task) and a
/// control segment, marks each for removal right after attaching it, sets the policy with the real mbind (none:
/// no mbind at all), and starts the tasks: threads of this process when the tasks share one mm
/// (<c>--threads-per-mm</c> ≥ tasks), otherwise child processes of this binary (the hidden <c>kernel-child</c>
/// verb), <c>--threads-per-mm</c> tasks each, attaching the segments by id, as will-it-scale's <c>_processes</c>
/// binaries do. Every task is pinned and runs <see cref="KernelTask"/>'s passes; the parent asks for warm-up,
/// measurement and the end through the control block, samples the counters each interval, then checks
/// placement from each attach's numa_maps (<see cref="NumaPlacementCheck"/>). Children die with the parent
/// (PR_SET_PDEATHSIG) and are killed if they outlive a failed or cancelled point.
/// </summary>
public static class KernelRunner
{
    /// <summary>Exit codes of a <c>kernel-child</c> process.</summary>
    public const int ChildOk = 0, ChildRefused = 4, ChildUsage = 70, ChildOrphaned = 71;

    /// <summary>Sub-range policies storm puts over its segment (as the engine's storm).</summary>
    public const int StormRanges = StormWorkload.Ranges;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60), EndSlack = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How a child of the process model is started: the program and the arguments before
    /// <c>kernel-child …</c>. By default this process's own binary (or <c>dotnet</c> and the entry assembly);
    /// a test host sets it to the built CLI.
    /// </summary>
    public static (string File, string[] Args) ChildCommand { get; set; } = DefaultChildCommand();

    private static (string, string[]) DefaultChildCommand()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        // Under the dotnet host the first argument is the entry assembly's path.
        string[] argv = Environment.GetCommandLineArgs();
        string? entry = argv.Length > 0 ? argv[0] : null;
        bool host = Path.GetFileNameWithoutExtension(process) == "dotnet";
        return host && !string.IsNullOrEmpty(entry) ? (process, [entry]) : (process, []);
    }

    /// <summary>The nodes a kernel policy names: this process's Mems_allowed that have memory (node 0 when unknown).</summary>
    public static IReadOnlyList<int> PolicyNodes()
    {
        var m = SysfsTopology.Read();
        var nodes = m.MemsAllowed.Where(id => m.Nodes.Any(n => n.Id == id && n.HasMemory)).ToList();
        if (nodes.Count == 0) nodes = [.. m.MemsAllowed];
        return nodes.Count == 0 ? [0] : nodes;
    }

    /// <summary>
    /// Run <paramref name="config"/> on the kernel. Throws <see cref="KernelRefusedException"/> when the kernel
    /// refuses a call, <see cref="KernelTaskFailedException"/> when a child dies or a task hangs, and
    /// <see cref="OperationCanceledException"/> when cancelled; every segment and child is gone when it returns.
    /// </summary>
    public static RunOutcome Run(RunConfig config, RunTopology topology, IRunObserver? observer = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        int n = config.FaultingTasks;
        if (n > KernelControl.MaxTasks) throw new ArgumentException($"at most {KernelControl.MaxTasks} faulting tasks on the kernel backend", nameof(config));
        int[] cpus = PlacementPlanner.Plan(topology, n, config.Placement);
        var nodes = PolicyNodes();
        ulong page = (ulong)Environment.SystemPageSize, pages = (ulong)config.PagesPerTask;
        using var segments = new KernelSegments();
        var run = new Point(config, n, cpus, nodes, segments, observer, cancel);
        try
        {
            return run.Execute(page, pages);
        }
        finally
        {
            run.Cleanup();
        }
    }

    /// <summary>One point's state: the control block, the segments, the tasks' threads or children.</summary>
    private sealed unsafe class Point(RunConfig config, int n, int[] cpus, IReadOnlyList<int> nodes, KernelSegments segments,
        IRunObserver? observer, CancellationToken cancel)
    {
        private KernelControl _ctl = null!;
        private readonly List<(Process Process, int First, int Count, StringBuilder Err)> _children = [];
        private readonly List<Thread> _threads = [];
        private Exception? _threadError;
        private Thread? _installer;
        private readonly LatencyHistogram _mbindLatency = new();
        private long _mbindOps, _mbindFailures, _mbindMeasuredTicks;
        private volatile bool _measuring;
        private bool _released;

        public RunOutcome Execute(ulong page, ulong pages)
        {
            var (ctlId, ctlAddr) = segments.Create(KernelControl.Bytes(n, page));
            _ctl = new KernelControl(ctlAddr);
            _ctl.Tasks = n;
            _ctl.PagesPerTask = (long)pages;
            _ctl.PageSize = (long)page;
            _ctl.ParentPid = LinuxSyscalls.Getpid();
            _ctl.MagicWord = KernelControl.Magic;

            // The data segments, their policies, and which slice each task faults.
            bool perTask = config.Workload == WorkloadKind.Wis;
            var views = new Dictionary<int, nint>();
            ulong segPages = perTask ? pages : (ulong)n * pages;
            for (int s = 0; s < (perTask ? n : 1); s++)
            {
                var (id, addr) = segments.Create(segPages * page);
                views[id] = addr;
                SetPolicy(addr, segPages * page, page);
                for (int i = perTask ? s : 0; i < (perTask ? s + 1 : n); i++)
                {
                    var slot = _ctl[i];
                    slot.Cpu = cpus[i];
                    slot.Shmid = id;
                    slot.SliceStart = perTask ? 0 : (long)((ulong)i * pages);
                }
            }
            int tpm = Math.Max(1, config.ThreadsPerMm);
            int groups = (n + tpm - 1) / tpm;
            bool inProcess = tpm > 1 && groups == 1;
            if (inProcess)
                StartThreads(views);
            else
                StartChildren(ctlId, tpm);

            // Everyone attached, pinned and at the first barrier: the clock starts.
            WaitUntil(() => Volatile.Read(ref _ctl.BarrierGen) >= 1, StartTimeout, "start");
            if (config.Workload == WorkloadKind.Churn) StartInstaller(views.Values.First(), segPages, page);
            Sleep(config.Warmup);

            int intervals = config.Intervals;
            var faults = new long[n, intervals + 1];
            var ns = new long[n, intervals + 1];
            Volatile.Write(ref _ctl.Requested, KernelControl.Measure);
            _measuring = true;
            long measureStart = Stopwatch.GetTimestamp();
            Snapshot(faults, ns, 0);
            var rates = new double[intervals];
            for (int k = 1; k <= intervals; k++)
            {
                Sleep(config.Interval);
                Snapshot(faults, ns, k);
                for (int i = 0; i < n; i++)
                {
                    long dn = ns[i, k] - ns[i, k - 1];
                    if (dn > 0) rates[k - 1] += (faults[i, k] - faults[i, k - 1]) * 1e9 / dn;
                }
                observer?.OnInterval(config, k, intervals, rates[k - 1]);
            }
            // At least one measured pass (every task takes part in every pass): on a loaded machine the tasks may
            // not have got through one in a short window, and a point without a pass has nothing to report.
            WaitUntil(() => Volatile.Read(ref _ctl[0].Faults) > 0, EndSlack, "measured pass");
            _measuring = false;
            _mbindMeasuredTicks = Stopwatch.GetTimestamp() - measureStart;
            Volatile.Write(ref _ctl.Requested, KernelControl.Stop);
            WaitUntil(AllChecked, config.Duration + EndSlack, "end");
            _installer?.Join();

            string check = CheckPlacement(pages);
            Volatile.Write(ref _ctl.MayExit, 1);
            foreach (var t in _threads) t.Join();
            foreach (var c in _children)
            {
                if (!c.Process.WaitForExit(TimeSpan.FromSeconds(30)))
                    throw new KernelTaskFailedException($"child pid {c.Process.Id} (tasks {Tasks(c.First, c.Count)}) did not exit within 30 s after the run");
                if (c.Process.ExitCode != ChildOk) throw ChildFailed(c);
            }
            _released = true;
            return Measure(rates, check, pages);
        }

        private void SetPolicy(nint addr, ulong bytes, ulong page)
        {
            if (config.Policy == PolicyKind.None) return;   // no mbind: the shared policy tree stays empty
            ulong[] all = Mask(nodes);
            Mbind(addr, bytes, LinuxConstants.MPOL_INTERLEAVE, all);
            if (config.Workload != WorkloadKind.Storm) return;
            // storm: a deep tree of sub-range policies, interleave, preferred and bind in turn (as the engine's storm).
            ulong segPages = bytes / page, per = Math.Max(1, segPages / StormRanges);
            for (ulong r = 0; r * per < segPages; r++)
            {
                int mode = (r % 3) switch { 0 => LinuxConstants.MPOL_INTERLEAVE, 1 => LinuxConstants.MPOL_PREFERRED, _ => LinuxConstants.MPOL_BIND };
                Mbind(addr + (nint)(r * per * page), Math.Min(per, segPages - r * per) * page, mode,
                    mode == LinuxConstants.MPOL_INTERLEAVE ? all : Mask([nodes[(int)(r % (ulong)nodes.Count)]]));
            }
        }

        private static void Mbind(nint addr, ulong bytes, int mode, ulong[] mask)
        {
            long rc = LinuxSyscalls.Mbind(addr, bytes, mode, mask, (ulong)mask.Length * 64 + 1, 0);
            if (rc < 0) throw new KernelRefusedException(KernelCall.Mbind, (int)rc);
        }

        private static ulong[] Mask(IEnumerable<int> ids)
        {
            var mask = new ulong[LinuxSyscalls.CpuSetBits / 64];
            foreach (int id in ids) mask[id / 64] |= 1UL << (id % 64);
            return mask;
        }

        private void StartThreads(Dictionary<int, nint> views)
        {
            for (int i = 0; i < n; i++)
            {
                int index = i;
                nint view = views[(int)_ctl[i].Shmid];
                var t = new Thread(() =>
                {
                    try { KernelTask.Run(_ctl, index, view); }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        Interlocked.CompareExchange(ref _threadError, e, null);
                        Volatile.Write(ref _ctl.Abort, 1);
                    }
                }) { IsBackground = true, Name = $"kernel-task-{i}" };
                _threads.Add(t);
                t.Start();
            }
        }

        private void StartChildren(int ctlId, int tpm)
        {
            var (file, prefix) = ChildCommand;
            for (int first = 0; first < n; first += tpm)
            {
                int count = Math.Min(tpm, n - first);
                var psi = new ProcessStartInfo(file)
                {
                    UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false,
                };
                foreach (string a in prefix) psi.ArgumentList.Add(a);
                foreach (string a in new[] { "kernel-child", Str(ctlId), Str(first), Str(count) }) psi.ArgumentList.Add(a);
                var p = Process.Start(psi) ?? throw new KernelTaskFailedException($"could not start a child process ({file})");
                var err = new StringBuilder();
                p.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (err) err.AppendLine(line); };
                p.OutputDataReceived += (_, _) => { };
                p.BeginErrorReadLine();
                p.BeginOutputReadLine();
                _children.Add((p, first, count, err));
            }
        }

        /// <summary>churn: an installer on the parent's attach replacing 16-page sub-range policies at --mbind-rate.</summary>
        private void StartInstaller(nint view, ulong segPages, ulong page)
        {
            ulong[] all = Mask(nodes);
            ulong[][] single = [.. nodes.Select(id => Mask([id]))];
            ulong ranges = Math.Max(1, segPages / MbindInstaller.RangePages);
            double ticksPerOp = (double)Stopwatch.Frequency / Math.Max(1, config.MbindRate);
            _installer = new Thread(() =>
            {
                ulong rng = 0x9E3779B97F4A7C15;
                long start = Stopwatch.GetTimestamp();
                for (long op = 0; Volatile.Read(ref _ctl.Requested) != KernelControl.Stop && Volatile.Read(ref _ctl.Abort) == 0; op++)
                {
                    long due = start + (long)(op * ticksPerOp);
                    while (Stopwatch.GetTimestamp() < due)
                    {
                        if (due - Stopwatch.GetTimestamp() > Stopwatch.Frequency / 1000) Thread.Sleep(1); else Thread.Yield();
                    }
                    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
                    ulong r = rng % ranges;
                    int mode = (op % 3) switch { 0 => LinuxConstants.MPOL_INTERLEAVE, 1 => LinuxConstants.MPOL_PREFERRED, _ => LinuxConstants.MPOL_BIND };
                    ulong[] mask = mode == LinuxConstants.MPOL_INTERLEAVE ? all : single[(int)(r % (ulong)single.Length)];
                    long t0 = Stopwatch.GetTimestamp();
                    long rc = LinuxSyscalls.Mbind(view + (nint)(r * MbindInstaller.RangePages * page), MbindInstaller.RangePages * page, mode,
                        mask, (ulong)mask.Length * 64 + 1, 0);
                    long t1 = Stopwatch.GetTimestamp();
                    if (!_measuring) continue;
                    _mbindOps++;
                    if (rc < 0) _mbindFailures++;
                    _mbindLatency.Record(t1 - t0);
                }
            }) { IsBackground = true, Name = "kernel-installer" };
            _installer.Start();
        }

        private void Snapshot(long[,] faults, long[,] ns, int k)
        {
            for (int i = 0; i < n; i++)
            {
                var s = _ctl[i];
                // Faults before FaultNs, the order the task writes them in: a pair read across a pass boundary
                // holds the new time at most, which understates that interval by one pass, never overstates it.
                faults[i, k] = Volatile.Read(ref s.Faults);
                ns[i, k] = Volatile.Read(ref s.FaultNs);
            }
        }

        private bool AllChecked()
        {
            for (int i = 0; i < n; i++)
                if (Volatile.Read(ref _ctl[i].State) != KernelControl.Checked) return false;
            return true;
        }

        /// <summary>Sleep <paramref name="span"/> in short steps, failing fast on a failure, a dead child or a cancel.</summary>
        private void Sleep(TimeSpan span)
        {
            long end = Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                Poll();
                long left = end - Stopwatch.GetTimestamp();
                if (left <= 0) return;
                Thread.Sleep(TimeSpan.FromSeconds(Math.Min(0.01, (double)left / Stopwatch.Frequency)));
            }
        }

        private void WaitUntil(Func<bool> done, TimeSpan timeout, string what)
        {
            long end = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (!done())
            {
                Poll();
                if (Stopwatch.GetTimestamp() > end) throw Hung(what, timeout);
                Thread.Sleep(2);
            }
        }

        private void Poll()
        {
            cancel.ThrowIfCancellationRequested();
            for (int i = 0; i < n; i++)
            {
                var s = _ctl[i];
                if (Volatile.Read(ref s.State) == KernelControl.Failed)
                    throw new KernelRefusedException((KernelCall)Volatile.Read(ref s.ErrCall), (int)Volatile.Read(ref s.Errno));
            }
            if (_threadError is { } e) throw new KernelTaskFailedException($"a task thread failed: {e.Message}");
            foreach (var c in _children)
                if (c.Process.HasExited) throw ChildFailed(c);
            if (Volatile.Read(ref _ctl.Abort) != 0) throw new KernelTaskFailedException("the run was aborted by a task");
        }

        private KernelTaskFailedException ChildFailed((Process Process, int First, int Count, StringBuilder Err) c)
        {
            c.Process.WaitForExit();   // the error lines are all read
            string err;
            lock (c.Err) err = c.Err.ToString().Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
            return new KernelTaskFailedException(
                $"child pid {c.Process.Id} (tasks {Tasks(c.First, c.Count)}) exited with code {c.Process.ExitCode} before the run ended" +
                (err.Length > 0 ? $": {err}" : ""));
        }

        private KernelTaskFailedException Hung(string what, TimeSpan timeout)
        {
            var stuck = Enumerable.Range(0, n).Where(i => Volatile.Read(ref _ctl[i].State) != KernelControl.Checked).ToList();
            string who = _children.Count > 0
                ? string.Join(" ", _children.Where(c => stuck.Any(i => i >= c.First && i < c.First + c.Count)).Select(c => $"pid {c.Process.Id}"))
                : "threads of this process";
            return new KernelTaskFailedException(FormattableString.Invariant(
                $"task(s) {string.Join(":", stuck)} ({who}) hung: no {what} within {timeout.TotalSeconds:0} s"));
        }

        private static string Tasks(int first, int count) => count == 1 ? Str(first) : $"{first}-{first + count - 1}";

        private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

        /// <summary>Each attach (process, address) against the pages its tasks left; "ok" or "failed:&lt;reason&gt;".</summary>
        private string CheckPlacement(ulong pages)
        {
            bool subRanges = config.Workload is WorkloadKind.Storm or WorkloadKind.Churn;
            var byView = Enumerable.Range(0, n).GroupBy(i => (Pid: (int)_ctl[i].Pid, View: (ulong)_ctl[i].View));
            var files = new Dictionary<int, IReadOnlyList<NumaMapsLine>>();
            foreach (var g in byView)
            {
                if (!files.TryGetValue(g.Key.Pid, out var lines))
                {
                    try { lines = NumaMapsParser.Read(g.Key.Pid); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                    {
                        return $"failed:could not read /proc/{g.Key.Pid}/numa_maps ({e.Message.Replace(',', ';')})";
                    }
                    files[g.Key.Pid] = lines;
                }
                long expected = g.Count() * (long)pages;
                ulong segment = (config.Workload == WorkloadKind.Wis ? 1 : (ulong)n) * pages * (ulong)_ctl.PageSize;
                string? why = NumaPlacementCheck.Check(NumaPlacementCheck.Merge(lines, g.Key.View, segment),
                    new NumaPlacementCheck.Expectation(expected, config.Policy, nodes, subRanges));
                if (why is not null) return $"failed:pid {g.Key.Pid} {why}";
            }
            return "ok";
        }

        private RunOutcome Measure(double[] rates, string check, ulong pages)
        {
            long faults = 0, cpuNs = 0, kernelFaults = 0, checkFaults = 0, all = 0;
            double sumRate = 0, min = double.MaxValue, max = 0, wall = 0, shortest = double.MaxValue, free = 0;
            var perTask = new double[n];
            for (int i = 0; i < n; i++)
            {
                var s = _ctl[i];
                double rate = s.FaultNs > 0 ? s.Faults * 1e9 / s.FaultNs : 0;
                perTask[i] = rate;
                sumRate += rate;
                min = Math.Min(min, rate);
                max = Math.Max(max, rate);
                faults += s.Faults;
                cpuNs += s.CpuNs;
                kernelFaults += s.KernelFaults;
                checkFaults += s.CheckFaults;
                all += s.AllFaults;
                wall += s.WallNs / 1e9;
                shortest = Math.Min(shortest, s.WallNs / 1e9);
                free += s.FreeNs / 1e9;
            }
            var writers = new Dictionary<WriterKind, WriterStats>();
            if (config.Workload == WorkloadKind.Churn)
            {
                double secs = (double)_mbindMeasuredTicks / Stopwatch.Frequency;
                writers[WriterKind.Mbind] = new WriterStats(_mbindOps, _mbindFailures, secs > 0 ? _mbindOps / secs : 0,
                    _mbindLatency.QuantileNs(0.5), _mbindLatency.QuantileNs(0.99), _mbindLatency.MaxNs);
            }
            return new RunOutcome
            {
                PlannedCpus = cpus,
                ObservedCpus = [.. Enumerable.Range(0, n).Select(i => (int)_ctl[i].ObservedCpu)],
                MeasuredSeconds = wall / n,
                ShortestTaskSeconds = shortest,
                Faults = faults,
                FaultErrors = 0,
                FaultsPerSec = sumRate,
                FaultsPerCpuSec = cpuNs > 0 ? faults / (cpuNs / 1e9) : 0,
                TaskMinFaultsPerSec = min,
                TaskMaxFaultsPerSec = max,
                TaskCv = StressRunner.CoefficientOfVariation(perTask),
                IntervalFaultsPerSec = rates,
                LatencySamples = 0,
                LatP50Ns = double.NaN,
                LatP99Ns = double.NaN,
                LatP999Ns = double.NaN,
                LatMaxNs = double.NaN,
                RefAtomicsPerFault = double.NaN,
                Allocations = all,
                MinorFaults = 0,
                Writers = writers,
                Audit = default,
                ClaimsSafety = false,
                Kernel = new KernelFacts(free / n, kernelFaults, (long)pages * n, checkFaults, check, nodes),
            };
        }

        /// <summary>Abort the tasks, kill children that are left, wait for threads; segments go with <see cref="KernelSegments"/>.</summary>
        public void Cleanup()
        {
            if (_ctl is null) return;
            if (!_released) Volatile.Write(ref _ctl.Abort, 1);
            Volatile.Write(ref _ctl.MayExit, 1);
            foreach (var c in _children)
            {
                try
                {
                    if (!c.Process.HasExited && !c.Process.WaitForExit(_released ? 5000 : 200)) c.Process.Kill(entireProcessTree: true);
                    c.Process.WaitForExit(5000);
                }
                catch (InvalidOperationException) { }   // never started or already reaped
                c.Process.Dispose();
            }
            _installer?.Join();
            // Unbounded: a thread of this process still writing into a segment must end before it is detached.
            foreach (var t in _threads) t.Join();
        }
    }
}
