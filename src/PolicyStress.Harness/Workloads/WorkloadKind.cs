namespace PolicyStress.Harness.Workloads;

/// <summary>The workloads of <c>--workload</c>.</summary>
public enum WorkloadKind
{
    /// <summary>One shared segment, one policy over it, every task faults its slice (Schermerhorn's pft).</summary>
    Pft,
    /// <summary>Every task faults its own segment with its own policy (will-it-scale page_fault3): the scaling control.</summary>
    Wis,
    /// <summary>Many more tasks than CPUs on one segment whose tree holds many sub-range policies.</summary>
    Storm,
    /// <summary>pft plus writers: installer, attach/detach, set_mempolicy, numa_maps readers, SHM_HUGETLB faults.</summary>
    Churn,
}
