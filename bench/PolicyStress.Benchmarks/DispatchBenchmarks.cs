using BenchmarkDotNet.Attributes;
using PolicyStress.Engine.Refcounting.Schemes;

namespace PolicyStress.Benchmarks;

/// <summary>
/// The dispatch the engine pays on every fault to follow its scheme, measured alone: a branch on a kind
/// cached in a readonly field at construction (what the engine does — Kernel.TakesLookupRefs,
/// SharedPolicy.VmaHeld) against a virtual call on a per-scheme object (the alternative a "scheme as an
/// object" design invites). Each operation is one lookup reference taken and dropped, or skipped, as a
/// fault would. The engine keeps the cached kind unless this shows the virtual call cheaper; the last
/// measurement (issue 10's, engine isolated) had the cached kind ahead.
/// </summary>
public class DispatchBenchmarks
{
    private const int Operations = 1024;
    private bool _takesRefs;
    private FaultRef _kind;
    private RefRule _rule = null!;
    private int _refcnt;

    /// <summary>What the fault does to the policy: nothing (vma-held, none) or an atomic get/put (lookup).</summary>
    [Params(FaultRef.None, FaultRef.Atomic)]
    public FaultRef Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _kind = Kind;
        _takesRefs = Kind != FaultRef.None;
        _rule = Kind == FaultRef.None ? new NoRefRule() : new AtomicRefRule();
    }

    /// <summary>The engine's way: a bool cached from the scheme's definition.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public int CachedFlag()
    {
        for (int i = 0; i < Operations; i++)
        {
            if (_takesRefs) Interlocked.Increment(ref _refcnt);
            if (_takesRefs) Interlocked.Decrement(ref _refcnt);
        }
        return _refcnt;
    }

    /// <summary>A switch on the cached kind, for schemes with more than two fault rules.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int CachedKind()
    {
        for (int i = 0; i < Operations; i++)
        {
            switch (_kind)
            {
                case FaultRef.Atomic: Interlocked.Increment(ref _refcnt); break;
            }
            switch (_kind)
            {
                case FaultRef.Atomic: Interlocked.Decrement(ref _refcnt); break;
            }
        }
        return _refcnt;
    }

    /// <summary>The alternative: a virtual call on the scheme's rule object for the get and for the put.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int VirtualCall()
    {
        for (int i = 0; i < Operations; i++)
        {
            _rule.Get(ref _refcnt);
            _rule.Put(ref _refcnt);
        }
        return _refcnt;
    }

    private abstract class RefRule
    {
        public abstract void Get(ref int refcnt);
        public abstract void Put(ref int refcnt);
    }

    private sealed class NoRefRule : RefRule
    {
        public override void Get(ref int refcnt) { }
        public override void Put(ref int refcnt) { }
    }

    private sealed class AtomicRefRule : RefRule
    {
        public override void Get(ref int refcnt) => Interlocked.Increment(ref refcnt);
        public override void Put(ref int refcnt) => Interlocked.Decrement(ref refcnt);
    }
}
