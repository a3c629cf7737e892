namespace PolicyStress.Conformance;

/// <summary>
/// A dedicated OS thread that runs the real set_mempolicy/get_mempolicy calls: set_mempolicy changes the
/// calling thread's policy (current->mempolicy), so the runner's own threads — and the thread pool the
/// test host shares — never see it. Disposing resets the thread's policy to MPOL_DEFAULT, then ends it.
/// </summary>
internal sealed class PolicyThread : IDisposable
{
    private readonly Thread _thread;
    private readonly SemaphoreSlim _work = new(0), _done = new(0);
    private Func<object?>? _job;
    private object? _result;
    private Exception? _error;
    private bool _stop;

    public PolicyThread()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "conformance set_mempolicy" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="job"/> on the policy thread and waits for it.</summary>
    public T Invoke<T>(Func<T> job)
    {
        _job = () => job();
        _work.Release();
        _done.Wait();
        if (_error is { } e)
        {
            _error = null;
            throw new InvalidOperationException("policy thread job failed", e);
        }
        return (T)_result!;
    }

    private void Loop()
    {
        while (true)
        {
            _work.Wait();
            if (_stop) return;
            try { _result = _job!(); }
            catch (Exception e) { _error = e; }
            _done.Release();
        }
    }

    public void Dispose()
    {
        if (_stop) return;
        Invoke(() => Linux.LinuxSyscalls.SetMempolicy(Linux.LinuxConstants.MPOL_DEFAULT, null, 0));
        _stop = true;
        _work.Release();
        _thread.Join();
        _work.Dispose();
        _done.Dispose();
    }
}
