namespace PolicyStress.Cli;

/// <summary>A bad option value or file the parser could not catch; printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
