namespace PolicyStress.Cli.Scaling;

/// <summary>
/// One scheme's points across task counts, under one workload and tree lock (and, where a file varies them,
/// the other settings named in <see cref="Series"/>), with the scaling figures read from them.
/// </summary>
/// <param name="Workload">the workload.</param>
/// <param name="SpLock">the tree lock.</param>
/// <param name="Scheme">the refcount scheme.</param>
/// <param name="Series">the scheme, plus any other key setting that varies among the rows ("lookup backend=kernel").</param>
/// <param name="KernelBackend">the rows came from the running kernel (backend=kernel), not the engine.</param>
/// <param name="Points">one per task count, in increasing order.</param>
internal sealed record Curve(string Workload, string SpLock, string Scheme, string Series, bool KernelBackend, IReadOnlyList<CurvePoint> Points)
{
    /// <summary>will-it-scale's figure needs a curve, not a line through two points.</summary>
    public const int MinScalabilityPoints = 3;

    public string Panel => $"{Workload} {SpLock}";

    /// <summary>
    /// will-it-scale's "scalability": throughput at the most tasks over linear scaling from the fewest
    /// (1 = perfect, 1/N = none); null below <see cref="MinScalabilityPoints"/> task counts.
    /// </summary>
    public double? Scalability
    {
        get
        {
            if (Points.Count < MinScalabilityPoints) return null;
            var (first, last) = (Points[0], Points[^1]);
            return first.FaultsPerSec > 0 ? last.FaultsPerSec / (first.FaultsPerSec * last.Tasks / first.Tasks) : null;
        }
    }

    /// <summary>The Universal Scalability Law fit; null below <see cref="UslFit.MinPoints"/> task counts or with a zero rate.</summary>
    public UslModel? Usl => Points.Count >= UslFit.MinPoints && Points.All(p => p.FaultsPerSec > 0)
        ? UslFit.Fit([.. Points.Select(p => ((double)p.Tasks, p.FaultsPerSec))])
        : null;

    /// <summary>
    /// The fit's peak as a reader should take it: the task count, "&gt; 10N" when it lies more than ten times
    /// beyond the most tasks measured (an extrapolation, not a prediction), "none" without coherency cost.
    /// </summary>
    public static string PeakText(UslModel usl, int maxTasks) => usl.PeakTasks switch
    {
        null => "none",
        var p when p > 10.0 * maxTasks => $"> {10 * maxTasks}",
        var p => p.Value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Why a figure is absent, for the reader of a 2-CPU run; null when both are there.</summary>
    public static string? Missing(int taskCounts) => taskCounts switch
    {
        >= UslFit.MinPoints => null,
        >= MinScalabilityPoints => $"no Universal Scalability Law fit: {taskCounts} task counts measured, a fit of three parameters needs {UslFit.MinPoints}",
        _ => $"no scalability figure and no USL fit: {taskCounts} task count{(taskCounts == 1 ? "" : "s")} measured; will-it-scale's " +
             $"scalability needs {MinScalabilityPoints} and a USL fit {UslFit.MinPoints} (the suite steps 1, 2, 4... up to the allowed CPUs)",
    };
}
