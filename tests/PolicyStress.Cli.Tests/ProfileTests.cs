using PolicyStress.Cli.Profiling;

namespace PolicyStress.Cli.Tests;

/// <summary>The profile report counts the faulting threads only, and charges a sample's time to the managed frame under its leaf marker.</summary>
public sealed class ProfileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policystress-profile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Frames as dotnet-trace writes them: pseudo-frames, module!method(args), and the sampler's leaf markers.
    private const string Speedscope = """
    {"shared":{"frames":[
      {"name":"Process64 policystress (1) Args: run"},{"name":"Threads"},{"name":"Thread (11)"},
      {"name":"PolicyStress.Harness!PolicyStress.Harness.Running.FaulterWorker.Loop()"},
      {"name":"PolicyStress.Engine!PolicyStress.Engine.Kernel.FaultIn(class PolicyStress.Engine.AddressSpaces.TaskStruct)"},
      {"name":"CPU_TIME"},{"name":"UNMANAGED_CODE_TIME"},
      {"name":"Thread (12)"},{"name":"System.Private.CoreLib!System.Threading.Monitor.Wait(class System.Object)"}]},
     "profiles":[
      {"type":"evented","name":"Thread (11)","unit":"milliseconds","startValue":0,"endValue":10,"events":[
        {"type":"O","frame":0,"at":0},{"type":"O","frame":1,"at":0},{"type":"O","frame":2,"at":0},{"type":"O","frame":3,"at":0},
        {"type":"O","frame":4,"at":0},{"type":"O","frame":5,"at":0},{"type":"C","frame":5,"at":6},{"type":"C","frame":4,"at":6},
        {"type":"O","frame":6,"at":6},{"type":"C","frame":6,"at":8},
        {"type":"O","frame":5,"at":8},{"type":"C","frame":5,"at":10},
        {"type":"C","frame":3,"at":10},{"type":"C","frame":2,"at":10},{"type":"C","frame":1,"at":10},{"type":"C","frame":0,"at":10}]},
      {"type":"evented","name":"Thread (12)","unit":"milliseconds","startValue":0,"endValue":100,"events":[
        {"type":"O","frame":7,"at":0},{"type":"O","frame":8,"at":0},{"type":"C","frame":8,"at":100},{"type":"C","frame":7,"at":100}]}]}
    """;

    [Fact]
    public void CountsFaulterThreadsOnlyExclusiveUnderTheLeafMarkerInclusiveOncePerStack()
    {
        string path = Path.Combine(_dir, "t.speedscope.json");
        File.WriteAllText(path, Speedscope);
        var (methods, threads) = MethodProfile.Read(path);
        Assert.Equal(1, threads);   // the waiting thread is no faulter
        var byName = methods.ToDictionary(m => m.Method);
        Assert.DoesNotContain("System.Threading.Monitor.Wait", byName.Keys);
        Assert.DoesNotContain("Threads", byName.Keys);
        Assert.Equal(0.6, byName["PolicyStress.Engine.Kernel.FaultIn"].Exclusive, 9);
        Assert.Equal(0.2, byName["PolicyStress.Harness.Running.FaulterWorker.Loop"].Exclusive, 9);
        Assert.Equal(0.2, byName[MethodProfile.Native].Exclusive, 9);
        Assert.Equal(1.0, byName["PolicyStress.Harness.Running.FaulterWorker.Loop"].Inclusive, 9);
        Assert.Equal(0.6, byName["PolicyStress.Engine.Kernel.FaultIn"].Inclusive, 9);
    }

    [Fact]
    public void ProfileTakesRunsOptionsForOneConfiguration()
    {
        Assert.Equal(2, Program.Main(["profile", "--scheme", "lookup,none"]));
        Assert.Equal(2, Program.Main(["profile", "--tasks", "x"]));
        Assert.Equal(2, Program.Main(["profile", "--no-such-option"]));
    }
}
