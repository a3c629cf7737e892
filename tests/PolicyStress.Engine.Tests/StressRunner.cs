using System.Diagnostics;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// Runs faulting tasks and writer tasks on real threads against one kernel until the faulters have done
/// <c>faults</c> faults in total or the time limit passes, or a finding shows up when asked to stop on one.
/// Every thread's task goes offline when the thread stops, so the final audit is quiescent.
/// </summary>
internal sealed class StressRunner(Kernel kernel)
{
    private readonly List<(TaskStruct Task, Action<TaskStruct> Step)> _faulters = new();
    private readonly List<(TaskStruct Task, Action<TaskStruct> Step)> _writers = new();
    private long _faults;

    /// <summary>A task that repeats <paramref name="pass"/>; the pass returns how many faults it made.</summary>
    public void Faulter(TaskStruct task, Func<TaskStruct, int> pass) =>
        _faulters.Add((task, t => Interlocked.Add(ref _faults, pass(t))));

    public void Writer(TaskStruct task, Action<TaskStruct> step) => _writers.Add((task, step));

    public long Faults => Interlocked.Read(ref _faults);

    public AuditTotals Run(long faults, TimeSpan limit, bool stopOnFinding = false)
    {
        using var stop = new CancellationTokenSource();
        var sw = Stopwatch.StartNew();
        var errors = new List<Exception>();
        var threads = _faulters.Concat(_writers).Select(w => new Thread(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested) w.Step(w.Task);
            }
            catch (Exception e)
            {
                lock (errors) errors.Add(e);
                stop.Cancel();
            }
            finally
            {
                kernel.TaskOffline(w.Task);
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        while (!stop.IsCancellationRequested)
        {
            Thread.Sleep(5);
            if (Faults >= faults || sw.Elapsed > limit) stop.Cancel();
            else if (stopOnFinding && kernel.Audit(quiescent: false).Findings > 0) stop.Cancel();
        }
        threads.ForEach(t => t.Join());
        if (errors.Count > 0) throw new AggregateException(errors);
        return kernel.Audit();
    }
}
