namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// The findings that are not reference-count events: tree invariant violations seen while the run goes,
/// and the size of the lists of policies that wait to be freed (graveyard, grace periods). The reference
/// events live in <see cref="PolicyCache"/>; <see cref="Kernel.Audit"/> adds the quiescent checks.
/// </summary>
public sealed class Auditor
{
    private long _treeErrors, _waiting, _waitingPeak;

    internal void TreeError() => Interlocked.Increment(ref _treeErrors);

    /// <summary>Record the current number of waiting policies (writer side only).</summary>
    internal void Waiting(long now)
    {
        Volatile.Write(ref _waiting, now);
        long peak;
        while (now > (peak = Volatile.Read(ref _waitingPeak)) && Interlocked.CompareExchange(ref _waitingPeak, now, peak) != peak) { }
    }

    public long TreeErrors => Volatile.Read(ref _treeErrors);
    public long WaitingNow => Volatile.Read(ref _waiting);
    public long WaitingPeak => Volatile.Read(ref _waitingPeak);
}
