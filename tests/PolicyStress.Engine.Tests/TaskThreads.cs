using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// Faulting tasks and writer tasks on real threads against one kernel. A run is a number of faults, not a
/// time: the faulters stop once they have done that many in total (or, when asked, as soon as the auditor
/// sees a finding), and the writers stop with them. Every thread's task goes offline when the thread
/// stops, so the final audit is quiescent.
/// </summary>
internal sealed class TaskThreads(Kernel kernel)
{
    private readonly List<(TaskStruct Task, Action<TaskStruct> Step)> _faulters = new();
    private readonly List<(TaskStruct Task, Action<TaskStruct> Step)> _writers = new();
    private long _faults;

    /// <summary>A task that repeats <paramref name="pass"/>; the pass returns how many faults it made.</summary>
    public void Faulter(TaskStruct task, Func<TaskStruct, int> pass) =>
        _faulters.Add((task, t => Interlocked.Add(ref _faults, pass(t))));   // several faulters add to one count: atomicity, no ordering

    public void Writer(TaskStruct task, Action<TaskStruct> step) => _writers.Add((task, step));

    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>
    /// Runs until the faulters have done <paramref name="faults"/> faults, or until the first finding when
    /// <paramref name="stopOnFinding"/>; returns the quiescent audit.
    /// </summary>
    public AuditTotals Run(long faults, bool stopOnFinding = false)
    {
        using var stop = new CancellationTokenSource();
        var errors = new List<Exception>();
        Thread Start((TaskStruct Task, Action<TaskStruct> Step) w, Func<bool> more)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    while (!stop.IsCancellationRequested && more()) w.Step(w.Task);
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
            }) { IsBackground = true };
            thread.Start();
            return thread;
        }
        var faulters = _faulters.Select(w => Start(w, () => Faults < faults)).ToList();
        var writers = _writers.Select(w => Start(w, () => true)).ToList();
        // The auditor's non-quiescent count is polled between joins; a finding ends the run early.
        while (!faulters.All(t => t.Join(5)))
            if (stopOnFinding && kernel.Audit(quiescent: false).Findings > 0) stop.Cancel();
        stop.Cancel();
        writers.ForEach(t => t.Join());
        if (errors.Count > 0) throw new AggregateException(errors);
        return kernel.Audit();
    }
}
