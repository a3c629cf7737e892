using PolicyStress.Linux;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// An output path (CSV, figure, trace) checked before the first point, so that a run never ends in an
/// error it could have had at the start: a directory, a missing parent, a directory or file this process
/// may not write, or an existing file without <c>--force</c>, is one line and exit code 2. Only the
/// default results/ folder is created; a path the user typed must name an existing directory.
/// </summary>
internal static class OutputFile
{
    /// <summary>Check <paramref name="path"/> (given to <paramref name="option"/>); returns its full path.</summary>
    public static string Check(string option, string path, bool force, bool isDefault = false)
    {
        string full = Path.GetFullPath(path);
        UsageException Refuse(string what, string accepted) => new($"{option}: '{path}' {what}; accepted: {accepted}");

        if (Directory.Exists(full)) throw Refuse("is a directory", $"a file path (e.g. {Path.Combine(path, "run.csv")})");
        string dir = Path.GetDirectoryName(full)!;
        if (File.Exists(dir)) throw Refuse($"is under '{dir}', which is a file", "a path in an existing directory");
        if (!Directory.Exists(dir))
        {
            if (!isDefault) throw Refuse($"is in '{dir}', which does not exist", "a path in an existing directory");
            try { Directory.CreateDirectory(dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Refuse($"is in '{dir}', which cannot be created ({e.Message})", "a path in a writable directory");
            }
        }
        if (File.Exists(full))
        {
            // access(2) lets root write anything; the mode bits still say the owner meant the file to stay.
            bool modeReadOnly = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
            if (PathAccess.CanWrite(full) is not 0 and int fileErr)
                throw Refuse($"cannot be written ({PathAccess.Describe(fileErr)})", "a writable file or a new path");
            if (modeReadOnly) throw Refuse("is read-only", "a writable file or a new path");
            if (!force) throw Refuse("exists", "a new path, or --force to replace it");
        }
        if (PathAccess.CanCreateIn(dir) is not 0 and int dirErr)
            throw Refuse($"is in '{dir}', where this process cannot create files ({PathAccess.Describe(dirErr)})", "a path in a writable directory");
        return full;
    }
}
