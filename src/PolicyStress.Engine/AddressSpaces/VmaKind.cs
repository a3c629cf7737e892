namespace PolicyStress.Engine.AddressSpaces;

/// <summary>What backs a vma, which decides where its allocation policy comes from.</summary>
public enum VmaKind
{
    /// <summary>Private anonymous memory: vma policy, else task policy.</summary>
    Anon,
    /// <summary>MAP_SHARED|MAP_ANONYMOUS (a shmem file): the inode's shared policy tree.</summary>
    Shmem,
    /// <summary>SysV shm over shmem (shm_vm_ops forwarding to shmem_vm_ops): the shared policy tree.</summary>
    SysvShm,
    /// <summary>SysV shm with SHM_HUGETLB: hugetlb has no get/set_policy, so the vma policy is used.</summary>
    SysvHugetlb,
}
