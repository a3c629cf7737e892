using System.Runtime.InteropServices;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// SIGINT (Ctrl-C), SIGTERM (timeout, systemd, CI) and SIGHUP (a closed terminal) as one cancellation. The
/// first of them cancels <see cref="Token"/> — the sweep drops the point in progress, every runner releases
/// what it holds (threads, child processes, segments) through that token, and the finished rows are
/// published — and is remembered for <see cref="ExitCode"/>, 128 + its number, as a shell reports a
/// process the signal ended. A second signal gets the runtime's default: the process ends at once.
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    private static readonly (PosixSignal Signal, int Number)[] Handled =
        [(PosixSignal.SIGHUP, 1), (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15)];

    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _number;   // 0 until the first signal

    public SignalCancellation() =>
        _registrations = [.. Handled.Select(h => PosixSignalRegistration.Create(h.Signal, ctx => OnSignal(ctx, h.Number)))];

    public CancellationToken Token => _cts.Token;

    /// <summary>The number of the signal that stopped the sweep, 0 when none came.</summary>
    public int Number => Volatile.Read(ref _number);

    public int ExitCode => 128 + Number;

    private void OnSignal(PosixSignalContext ctx, int number)
    {
        // CompareExchange: only the first signal cancels; its number is what the exit code reports.
        if (Interlocked.CompareExchange(ref _number, number, 0) != 0) return;
        ctx.Cancel = true;
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
