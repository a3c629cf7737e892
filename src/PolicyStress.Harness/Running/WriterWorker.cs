using System.Diagnostics;
using PolicyStress.Engine;
using PolicyStress.Harness.Workloads;
using PolicyStress.Linux;

namespace PolicyStress.Harness.Running;

/// <summary>
/// The thread of one writer: pinned to its task's CPU, as faulters are — so that writers that race each
/// other (set_mempolicy and the numa_maps reader of bug 1) run on the CPUs the workload gave them, at the
/// same time, instead of wherever the scheduler last put them, often one CPU for both; paced to its rate
/// (sleeping offline, so grace periods do not wait for it), each operation timed; operations inside the
/// measured window are counted.
/// </summary>
internal sealed class WriterWorker(Kernel kernel, Writer writer, RunControl control)
{
    public LatencyHistogram Latency { get; } = new();
    public long Ops { get; private set; }
    public long Failures { get; private set; }

    public void Run()
    {
        try
        {
            CpuAffinity.PinCurrentThread(writer.Task.Cpu);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not Linux: the writer runs unpinned
        }
        control.Ready.Signal();
        control.Go.Wait();
        var task = writer.Task;
        kernel.TaskOnline(task);
        try
        {
            long n = 0, start = control.StartTs, warm = control.WarmupEndTs, end = control.EndTs;
            double perTick = (double)writer.Rate / Stopwatch.Frequency;
            while (!control.Stop.IsSet)
            {
                long now = Stopwatch.GetTimestamp();
                if (now >= end) break;
                if (n >= (long)((now - start) * perTick))
                {
                    kernel.TaskOffline(task);
                    Thread.Sleep(1);
                    kernel.TaskOnline(task);
                    continue;
                }
                bool ok = writer.Step(n++);
                long t1 = Stopwatch.GetTimestamp();
                if (now >= warm && t1 <= end)
                {
                    Latency.Record(t1 - now);
                    Ops++;
                    if (!ok) Failures++;
                }
            }
        }
        catch (Exception e)
        {
            control.Fail(e);
        }
        finally
        {
            kernel.TaskOffline(task);
        }
    }
}
