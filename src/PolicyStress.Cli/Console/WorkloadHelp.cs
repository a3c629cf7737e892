using PolicyStress.Harness.Workloads;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>The workloads in two lines each, for run's and suite's --help (the README has the same words).</summary>
internal static class WorkloadHelp
{
    public static string Text(IEnumerable<WorkloadKind> workloads)
    {
        var lines = new List<string> { "Workloads:" };
        foreach (var k in workloads)
        {
            var (shares, models) = WorkloadNames.Describe(k);
            lines.Add($"  {WorkloadNames.Name(k),-6} shares: {shares}");
            lines.Add($"  {"",-6} models: {models}");
        }
        return string.Join(Environment.NewLine, lines);
    }
}
