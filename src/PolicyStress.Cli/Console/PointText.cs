using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>The plain one-line forms of a configuration and of a finished point.</summary>
internal static class PointText
{
    public static string Config(RunConfig c, bool rep = true) => c.Backend == RunBackend.Kernel
        ? $"kernel {WorkloadNames.Name(c.Workload)} policy={PolicyNames.Name(c.Policy)} tasks={c.FaultingTasks}" +
          (c.ThreadsPerMm > 1 ? $" threads-per-mm={c.ThreadsPerMm}" : " processes") + (rep ? $" rep={c.Rep}" : "")
        : $"{WorkloadNames.Name(c.Workload)} {SchemeSpelling.Name(c.Scheme)} {SchemeSpelling.Name(c.SpLock)}" +
        (c.Policy != PolicyKind.Interleave ? $" policy={PolicyNames.Name(c.Policy)}" : "") +
        (c.MmapLock != Engine.AddressSpaces.MmapLockKind.Rwls ? $" mmap-lock={SchemeSpelling.Name(c.MmapLock)}" : "") +
        (c.Bugs != Engine.Refcounting.Bugs2007.None ? $" bugs={SchemeSpelling.Name(c.Bugs)}" : "") +
        (c.FaultCost != Engine.FaultCostKind.Isolated ? $" fault-cost={FaultCostNames.Name(c.FaultCost)}" : "") +
        (c.Schedule != ScheduleKind.Inline ? $" schedule={ScheduleNames.Name(c.Schedule)}" : "") +
        $" tasks={c.FaultingTasks}" + (c.ThreadsPerMm > 1 ? $" threads-per-mm={c.ThreadsPerMm}" : "") + (rep ? $" rep={c.Rep}" : "");

    public static string Finished(int index, int total, RunConfig c, RunOutcome o) => o.Kernel is { } k
        ? $"[{index + 1}/{total}] {Config(c)}: {Numbers.Rate(o.FaultsPerSec)} faults/s, {Numbers.Rate(o.FaultsPerCpuSec)}/cpu-s, " +
          $"{Numbers.Ns(o.FaultNs)}/fault, task min/max {Numbers.Rate(o.TaskMinFaultsPerSec)}/{Numbers.Rate(o.TaskMaxFaultsPerSec)}, " +
          FormattableString.Invariant($"free {k.FreeSeconds:0.000} s, kernel faults {k.KernelFaults}/{o.Faults}, numa_maps {k.NumaMapsCheck}") +
          (o.CpuMismatches > 0 ? $", CPU mismatches {o.CpuMismatches}" : "") +
          (o.Oversubscribed ? $", OVERSUBSCRIBED ({o.PlannedCpus.Length} tasks on {o.PlannedCpus.Distinct().Count()} CPUs)" : "")
        :
        $"[{index + 1}/{total}] {Config(c)}: {Numbers.Rate(o.FaultsPerSec)} faults/s, {Numbers.Rate(o.FaultsPerCpuSec)}/cpu-s, " +
        $"task min/max {Numbers.Rate(o.TaskMinFaultsPerSec)}/{Numbers.Rate(o.TaskMaxFaultsPerSec)}, p99 {Numbers.Ns(o.LatP99Ns)}, " +
        $"refs/fault {o.RefAtomicsPerFault:0.00}" +
        (o.Calibration is { } cal ? $", private work {cal.PrivateWorkNs:0} ns/fault ({cal.Source})" : "") + (o.CpuMismatches > 0 ? $", CPU mismatches {o.CpuMismatches}" : "") +
        (o.FaultErrors > 0 ? $", fault errors {o.FaultErrors}" : "") +
        (o.Oversubscribed ? $", OVERSUBSCRIBED ({o.PlannedCpus.Length} tasks on {o.PlannedCpus.Distinct().Count()} CPUs)" : "");

    /// <summary>The lines of a finished point: its result, and its audit line when asked for or when it found something.</summary>
    public static IEnumerable<string> Lines(int index, int total, RunConfig c, RunOutcome o, bool auditEveryPoint)
    {
        yield return Finished(index, total, c, o);
        if (o.Kernel is null && (auditEveryPoint || o.Audit.Findings > 0)) yield return "  " + Audit(o);
    }

    public static string Failed(int index, int total, RunConfig c, string reason) => $"[{index + 1}/{total}] {Config(c)}: not measured: {reason}";

    /// <summary>The audit line, with a verdict for schemes that do not claim safety.</summary>
    public static string Audit(RunOutcome o) =>
        o.Audit + (o.AuditFailed ? "  <-- FAILED: this scheme claims safety"
            : !o.ClaimsSafety && o.Audit.Findings > 0 ? "  (expected: this scheme does not claim safety)" : "");
}
