using System.Text.Json;

namespace PolicyStress.Cli.Profiling;

/// <summary>One method's share of the faulting threads' sampled time: where it was on top, and where anywhere on the stack.</summary>
internal sealed record MethodShare(string Method, double Exclusive, double Inclusive);

/// <summary>
/// The faulting threads' time per method, from a speedscope file that <c>dotnet-trace convert</c> (or
/// <c>collect --format speedscope</c>) wrote. A thread is a faulter when a frame of
/// <see cref="FaulterFrame"/> is on its stack; every other thread (collector, writers, runtime) is left out,
/// so waits elsewhere do not top the list.
/// </summary>
/// <remarks>
/// dotnet-trace's evented profiles open and close frames; the sample profiler marks a sample's leaf with
/// <c>CPU_TIME</c> (managed code running) or <c>UNMANAGED_CODE_TIME</c>. Exclusive time goes to the managed
/// frame under a <c>CPU_TIME</c> leaf, and to "[native code]" under the other; the pseudo-frames above the
/// thread's first real frame (process, activities, thread) are dropped.
/// </remarks>
internal static class MethodProfile
{
    public const string FaulterFrame = "FaulterWorker.Loop";
    public const string Native = "[native code]";
    private static readonly string[] Pseudo = ["Process64 ", "Process32 ", "(Non-Activities)", "Threads", "Thread "];

    /// <summary>Per method, its share (0..1) of all faulter-thread time; and how many faulter threads were found.</summary>
    public static (List<MethodShare> Methods, int Threads) Read(string speedscopePath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(speedscopePath));
        var frames = doc.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => Name(f.GetProperty("name").GetString() ?? "")).ToArray();
        var exclusive = new Dictionary<string, double>();
        var inclusive = new Dictionary<string, double>();
        double total = 0;
        int threads = 0;
        foreach (var profile in doc.RootElement.GetProperty("profiles").EnumerateArray())
        {
            if (!profile.TryGetProperty("events", out var events)) continue;
            var list = events.EnumerateArray().Select(e => (Open: e.GetProperty("type").GetString() == "O", Frame: e.GetProperty("frame").GetInt32(), At: e.GetProperty("at").GetDouble())).ToList();
            if (!list.Any(e => frames[e.Frame].Contains(FaulterFrame, StringComparison.Ordinal))) continue;
            threads++;
            var stack = new List<int>();
            double last = double.NaN;
            foreach (var (open, frame, at) in list)
            {
                if (stack.Count > 0 && !double.IsNaN(last)) total += Attribute(stack, frames, at - last, exclusive, inclusive);
                last = at;
                if (open) stack.Add(frame);
                else if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
            }
        }
        var methods = inclusive.Keys.Select(m => new MethodShare(m, total > 0 ? exclusive.GetValueOrDefault(m) / total : 0, total > 0 ? inclusive[m] / total : 0)).ToList();
        return (methods, threads);
    }

    /// <summary>Charge <paramref name="dt"/> of the stack; returns the time counted (0 while only pseudo-frames are open).</summary>
    private static double Attribute(List<int> stack, string[] frames, double dt, Dictionary<string, double> exclusive, Dictionary<string, double> inclusive)
    {
        var real = stack.Select(f => frames[f]).Where(n => !Pseudo.Any(p => n.StartsWith(p, StringComparison.Ordinal))).ToList();
        if (real.Count == 0) return 0;
        string leaf = real[^1];
        string top = leaf == "UNMANAGED_CODE_TIME" ? Native
            : leaf == "CPU_TIME" ? (real.Count > 1 ? real[^2] : leaf)
            : leaf;
        exclusive[top] = exclusive.GetValueOrDefault(top) + dt;
        foreach (var m in real.Where(n => n is not ("CPU_TIME" or "UNMANAGED_CODE_TIME")).Append(top).Distinct())
            inclusive[m] = inclusive.GetValueOrDefault(m) + dt;
        return dt;
    }

    /// <summary>"Module!Namespace.Type.Method(args)" → "Namespace.Type.Method".</summary>
    public static string Name(string frame)
    {
        int bang = frame.IndexOf('!');
        string s = bang >= 0 ? frame[(bang + 1)..] : frame;
        int paren = s.IndexOf('(');
        return paren > 0 ? s[..paren] : s;
    }
}
