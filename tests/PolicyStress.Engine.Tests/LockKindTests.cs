using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.SharedPolicies;

namespace PolicyStress.Engine.Tests;

/// <summary>A reader/writer lock under test, as four calls.</summary>
internal sealed record RwOps(Action EnterRead, Action ExitRead, Action EnterWrite, Action ExitWrite);

/// <summary>
/// The lock kinds' contract under concurrent readers and writers: a writer never overlaps a reader or
/// another writer, readers that keep coming do not starve a waiting writer, and a bounded stress ends
/// (the bound is a deadlock detector, not a timing assert). Plus the qrwlock's fairness, step by step.
/// </summary>
public class LockKindTests
{
    /// <summary>Long enough that a lock that stays stuck is stuck, not slow, on a busy 2-CPU machine.</summary>
    private static readonly TimeSpan DeadlockBound = TimeSpan.FromMinutes(3);

    internal static RwOps Ops(SpLock l) => new(() => l.EnterRead(0), () => l.ExitRead(0), l.EnterWrite, l.ExitWrite);

    /// <summary>
    /// <paramref name="readers"/> threads take the read side over and over until every writer has taken
    /// the write side <paramref name="writes"/> times; each side checks, inside, that the other is out.
    /// </summary>
    internal static void Stress(RwOps ops, int readers = 3, int writers = 2, int writes = 2000)
    {
        int inReaders = 0, inWriters = 0, violations = 0, writersDone = 0;
        long reads = 0;
        var threads = new List<Thread>();
        for (int r = 0; r < readers; r++)
            threads.Add(new Thread(() =>
            {
                while (Volatile.Read(ref writersDone) < writers)
                {
                    ops.EnterRead();
                    Interlocked.Increment(ref inReaders);   // full fence: the writer check below reads after it
                    if (Volatile.Read(ref inWriters) != 0) Interlocked.Increment(ref violations);
                    Thread.SpinWait(10);
                    if (Volatile.Read(ref inWriters) != 0) Interlocked.Increment(ref violations);
                    Interlocked.Decrement(ref inReaders);
                    ops.ExitRead();
                    Interlocked.Increment(ref reads);
                }
            }));
        for (int w = 0; w < writers; w++)
            threads.Add(new Thread(() =>
            {
                for (int i = 0; i < writes; i++)
                {
                    ops.EnterWrite();
                    if (Interlocked.Increment(ref inWriters) != 1 || Volatile.Read(ref inReaders) != 0) Interlocked.Increment(ref violations);
                    Thread.SpinWait(10);
                    if (Volatile.Read(ref inReaders) != 0) Interlocked.Increment(ref violations);
                    Interlocked.Decrement(ref inWriters);
                    ops.ExitWrite();
                }
                Interlocked.Increment(ref writersDone);
            }));
        foreach (var t in threads) t.Start();
        foreach (var t in threads)
            Assert.True(t.Join(DeadlockBound), "a thread never finished: deadlock, or readers starve the writers");
        Assert.Equal(0, violations);
        Assert.Equal(writers, writersDone);
        Assert.True(reads > 0);
    }

    [Theory]
    [InlineData(SpLockKind.RwLock)]
    [InlineData(SpLockKind.Rwls)]
    [InlineData(SpLockKind.Spin)]
    [InlineData(SpLockKind.Sharded)]
    public void TreeLockExcludesWritersFromReadersAndEveryoneProgresses(SpLockKind kind) =>
        Stress(Ops(new SpLock(kind, cpus: 2)));

    [Fact]
    public void QueuedRwLockReadersShareTheLock()
    {
        var l = new SpLock(SpLockKind.RwLock, 2);
        l.EnterRead(0);
        var second = new Thread(() => { l.EnterRead(1); l.ExitRead(1); });
        second.Start();
        Assert.True(second.Join(DeadlockBound), "a second reader waited for the first");
        l.ExitRead(0);
        l.EnterWrite();   // both readers left: the writer gets in
        l.ExitWrite();
    }

    /// <summary>
    /// qrwlock fairness: with a reader in and a writer waiting, a new reader queues behind the writer,
    /// so the writer's critical section comes before the new reader's.
    /// </summary>
    [Fact]
    public void QueuedRwLockWaitingWriterStopsNewReaders()
    {
        var l = new SpLock(SpLockKind.RwLock, 2);
        var order = new List<string>();
        l.EnterRead(0);
        var writer = new Thread(() =>
        {
            l.EnterWrite();
            lock (order) order.Add("writer");
            l.ExitWrite();
        });
        writer.Start();
        SpinUntil(() => l.WriterWaiting);
        using var queued = new ManualResetEventSlim();
        l.ReaderQueued = queued.Set;
        var reader = new Thread(() =>
        {
            l.EnterRead(1);
            lock (order) order.Add("reader");
            l.ExitRead(1);
        });
        reader.Start();
        Assert.True(queued.Wait(DeadlockBound), "the new reader did not back off from the waiting writer");
        lock (order) Assert.Empty(order);   // the first reader still holds: neither got in
        l.ExitRead(0);
        Assert.True(writer.Join(DeadlockBound) && reader.Join(DeadlockBound));
        Assert.Equal(["writer", "reader"], order);
    }

    internal static void SpinUntil(Func<bool> condition)
    {
        Assert.True(SpinWait.SpinUntil(condition, DeadlockBound), "the expected state never came");
    }
}
