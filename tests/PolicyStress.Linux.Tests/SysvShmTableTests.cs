using static PolicyStress.Linux.LinuxConstants;

namespace PolicyStress.Linux.Tests;

public sealed class SysvShmTableTests
{
    [Fact]
    public void ParsesTheProcFileFormat()
    {
        const string text =
            "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n" +
            "         0     163840  1600               2097152 18869 18899      3     0     0     0     0 1796173636          0 1796173636               1048576                     0\n" +
            "     12345         7   600                  4096   100   100      0     0     0     0     0          0          0 1796173636                     0                     0\n";
        var s = SysvShmTable.Parse(text);

        Assert.Equal(2, s.Count);
        Assert.Equal(163840, s[0].Shmid);
        Assert.Equal(2097152UL, s[0].Size);
        Assert.Equal(18869, s[0].CreatorPid);
        Assert.Equal(3, s[0].Attaches);
        Assert.True(s[0].MarkedForRemoval);   // 01600 has SHM_DEST (01000)
        Assert.Equal(12345, s[1].Key);
        Assert.False(s[1].MarkedForRemoval);
    }

    [Fact]
    public void ASegmentMarkedForRemovalGoesWithItsLastDetach()
    {
        int id = LinuxSyscalls.Shmget(IPC_PRIVATE, 4096, IPC_CREAT | S_IRUSR | S_IWUSR);
        if (id < 0) { Assert.True(id is -ENOSYS or -EPERM or -ENOMEM or -ENOSPC, $"shmget: {ErrnoName(id)}"); return; }
        long addr = LinuxSyscalls.Shmat(id, 0, 0);
        Assert.True(addr > 0, $"shmat: {ErrnoName(addr)}");
        Assert.Equal(0, LinuxSyscalls.ShmctlRmid(id));

        var seg = Assert.Single(SysvShmTable.Read(), s => s.Shmid == id);
        Assert.True(seg.MarkedForRemoval);
        Assert.Equal(LinuxSyscalls.Getpid(), seg.CreatorPid);
        Assert.Equal(1, seg.Attaches);
        // Linux lets a segment marked for removal be attached again by id (the process model's children do).
        long again = LinuxSyscalls.Shmat(id, 0, 0);
        Assert.True(again > 0, $"shmat after IPC_RMID: {ErrnoName(again)}");
        Assert.Equal(0, LinuxSyscalls.Shmdt((nint)again));
        Assert.Equal(0, LinuxSyscalls.Shmdt((nint)addr));
        Assert.False(SysvShmTable.Exists(id));
    }

    [Fact]
    public void ThreadMinorFaultsCountAFirstWrite()
    {
        long base_ = LinuxSyscalls.Mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        Assert.True(base_ > 0);
        try
        {
            long before = LinuxSyscalls.ThreadMinorFaults();
            System.Runtime.InteropServices.Marshal.WriteByte((nint)base_, 1);
            long after = LinuxSyscalls.ThreadMinorFaults();
            Assert.True(before >= 0);
            Assert.True(after - before >= 1, $"{before} -> {after}");
        }
        finally
        {
            LinuxSyscalls.Munmap((nint)base_, 4096);
        }
    }

    [Fact]
    public void ErrnoNamesAreTheKernels()
    {
        Assert.Equal("ENOSYS", ErrnoName(-ENOSYS));
        Assert.Equal("EPERM", ErrnoName(EPERM));
        Assert.Equal("errno 200", ErrnoName(200));
    }
}
