using System.Diagnostics;
using System.Threading.Channels;
using PolicyStress.Engine;
using PolicyStress.Harness.Workloads;
using PolicyStress.Linux;

namespace PolicyStress.Harness.Running;

/// <summary>
/// The thread of one faulting task: pin to the planned CPU, check it with sched_getcpu, wait for the
/// start, then fault the task's pages and release them (MADV_REMOVE) pass after pass. At each interval
/// boundary it publishes its cumulative counters to the collector.
/// </summary>
/// <remarks>
/// The loop allocates nothing and writes only thread-local state, the task's own engine counters and
/// its own padded slot. One fault in <see cref="RunConfig.SampleEvery"/> is timed into the task's own
/// histogram. Clocks and the stop flag are read once per pass, not per fault.
/// </remarks>
internal sealed class FaulterWorker(Kernel kernel, FaultTarget target, int index, PaddedSlot[] slots,
    LatencyHistogram histogram, ChannelWriter<IntervalSample> samples, RunControl control, int sampleEvery, Barrier? passBarrier = null)
{
    public void Run()
    {
        try
        {
            CpuAffinity.PinCurrentThread(target.Cpu);
            slots[index].ObservedCpu = CpuAffinity.CurrentCpu();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            slots[index].ObservedCpu = -1;   // not Linux: unpinned, recorded as a mismatch
        }
        control.Ready.Signal();
        control.Go.Wait();
        var task = target.Task;
        kernel.TaskOnline(task);
        try
        {
            Loop();
        }
        catch (Exception e)
        {
            control.Fail(e);
        }
        finally
        {
            passBarrier?.RemoveParticipant();   // the others' next phases no longer wait for this task
            kernel.TaskOffline(task);
            Publish(-1, 0, 0, true);
        }
    }

    private void Loop()
    {
        var task = target.Task;
        ulong start = target.Start, len = (ulong)target.Pages * EngineCalls.Page;
        int pages = target.Pages;
        long mask = sampleEvery - 1, faults = 0, errors = 0, passes = 0;
        long warmupEnd = control.WarmupEndTs, step = control.IntervalTicks, next = warmupEnd;
        int k = 0, intervals = control.Intervals;
        // Barrier schedule: the published clock is the task's own fault-phase time, so rates count faults
        // only; the freeing between the barriers is counted apart (after warm-up).
        var barrier = passBarrier;
        long faultClock = 0, freeTicks = 0;
        while (true)
        {
            long phase = barrier is null ? 0 : Stopwatch.GetTimestamp();
            for (int p = 0; p < pages; p++)
            {
                ulong addr = start + (ulong)p * EngineCalls.Page;
                int r;
                if ((faults & mask) == 0)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    r = kernel.Fault(task, addr);
                    histogram.Record(Stopwatch.GetTimestamp() - t0);
                }
                else r = kernel.Fault(task, addr);
                faults++;
                if (r < 0) errors++;
            }
            long now;
            if (barrier is null)
            {
                kernel.Madvise(task, start, len, Kernel.MadvRemove);
                now = Stopwatch.GetTimestamp();
            }
            else
            {
                long faulted = Stopwatch.GetTimestamp();
                faultClock += faulted - phase;
                barrier.SignalAndWait();
                long f0 = Stopwatch.GetTimestamp();
                kernel.Madvise(task, start, len, Kernel.MadvRemove);
                now = Stopwatch.GetTimestamp();
                if (k > 0) freeTicks += now - f0;
                barrier.SignalAndWait();
            }
            passes++;
            if (now >= next)
            {
                ref var slot = ref slots[index];
                slot.Faults = faults;
                slot.Errors = errors;
                slot.Passes = passes;
                slot.FreeTicks = freeTicks;
                Publish(k, faults, barrier is null ? now : faultClock, false);
                if (k == 0) histogram.Clear();   // warm-up samples do not count
                if (++k > intervals) return;
                next = warmupEnd + k * step;
            }
            if (control.Stop.IsSet) return;
        }
    }

    private void Publish(int k, long faults, long now, bool done)
    {
        var s = new IntervalSample(index, k, faults, ThreadCpuClock.NowNs(), target.Task.Counters.RefAtomics, now, done);
        // The channel is sized to never fill; if the collector lags, yield rather than drop a sample.
        while (!samples.TryWrite(s)) Thread.Yield();
    }
}
