using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.SharedPolicies;

public sealed partial class SharedPolicy
{
    /// <summary>The ranges intersecting [lo, hi) with their policy strings, copied under the lock.</summary>
    public List<(ulong Start, ulong End, string Policy)> Describe(ulong lo = 0, ulong hi = ulong.MaxValue)
    {
        var list = new List<(ulong, ulong, string)>();
        _lock.EnterWrite();   // a reader would do; the write side is available for every lock kind
        try
        {
            foreach (var n in _nodes)
                if (n.End > lo && n.Start < hi) list.Add((n.Start, n.End, _kernel.Era2007 ? PolicyText.To2007String(n.Policy) : PolicyText.ToKernelString(n.Policy)));
        }
        finally { _lock.ExitWrite(); }
        return list;
    }

    /// <summary>The nodes as they are (for figures and tests): start, end, policy, its reference count.</summary>
    public List<(ulong Start, ulong End, Mempolicy Policy, int RefCount)> Nodes()
    {
        _lock.EnterWrite();
        try { return _nodes.ConvertAll(n => (n.Start, n.End, n.Policy, n.Policy.RefCount)); }
        finally { _lock.ExitWrite(); }
    }

    /// <summary>
    /// Quiescent audit: add the references this tree and its attachments own to <paramref name="owned"/>,
    /// and return the number of invariant violations (order, overlap, empty ranges, freed policies, and
    /// since 2.6.26 policies not marked MPOL_F_SHARED).
    /// </summary>
    internal int Audit(Dictionary<Mempolicy, int> owned)
    {
        int errors = 0;
        _lock.EnterWrite();
        try
        {
            for (int i = 0; i < _nodes.Count; i++)
            {
                var n = _nodes[i];
                if (n.Start >= n.End) errors++;
                if (i > 0 && _nodes[i - 1].End > n.Start) errors++;
                if (n.Policy.Freed || (!_kernel.Era2007 && !n.Policy.IsShared)) errors++;
                owned[n.Policy] = owned.GetValueOrDefault(n.Policy) + 1;
            }
            foreach (var m in _attached)
                foreach (var p in m.HeldPolicies) owned[p] = owned.GetValueOrDefault(p) + 1;
            foreach (var p in _retired) owned[p] = owned.GetValueOrDefault(p) + 1;
        }
        finally { _lock.ExitWrite(); }
        return errors;
    }

    /// <summary>
    /// Test hook: run <paramref name="body"/> while the calling thread holds the tree lock for write, so a
    /// test can show which paths never take it (the empty-tree return of a lookup).
    /// </summary>
    internal void WhileWriteLocked(Action body)
    {
        _lock.EnterWrite();
        try { body(); }
        finally { _lock.ExitWrite(); }
    }
}
