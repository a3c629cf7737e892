namespace PolicyStress.Linux.Tests;

public sealed class CpuAffinityTests
{
    [Fact]
    public void PinningToCpu0RunsOnCpu0()
    {
        // Pin a dedicated thread: pinning the xunit worker would leak into later tests.
        int pinRc = int.MinValue, cpu = int.MinValue, tid = 0;
        var thread = new Thread(() =>
        {
            pinRc = CpuAffinity.PinCurrentThread(0);
            cpu = CpuAffinity.CurrentCpu();
            tid = LinuxSyscalls.Gettid();
        }) { IsBackground = true, Name = "pin-test" };
        thread.Start();
        thread.Join();

        Assert.Equal(0, pinRc);
        Assert.Equal(0, cpu);
        Assert.True(tid > 0);
        Assert.NotEqual(Environment.ProcessId, tid);   // a new thread has its own tid
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(LinuxSyscalls.CpuSetBits)]
    public void PinningOutsideTheCpusetIsEinval(int cpu)
        => Assert.Equal(-LinuxConstants.EINVAL, CpuAffinity.PinCurrentThread(cpu));

    [Fact]
    public void CurrentCpuIsAnOnlineCpu()
    {
        int cpu = CpuAffinity.CurrentCpu();
        Assert.InRange(cpu, 0, LinuxSyscalls.CpuSetBits - 1);
    }
}
