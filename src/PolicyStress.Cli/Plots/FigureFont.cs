using ScottPlot;
using SkiaSharp;

namespace PolicyStress.Cli.Plots;

/// <summary>
/// The font every figure uses, chosen explicitly. Without one ScottPlot renders a PNG with no text at all and
/// says nothing, so a machine without fonts fails here, loudly, before any figure is drawn.
/// </summary>
internal static class FigureFont
{
    /// <summary>Families tried in order: fontconfig's usual sans fonts on Linux, then the common ones elsewhere.</summary>
    public static readonly string[] Candidates = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans", "Arial", "Helvetica"];

    private const string FileFamily = "PolicyStress figure font";

    /// <summary>
    /// Set <see cref="Fonts.Default"/> to <paramref name="file"/> (a TTF/OTF) or to the first installed candidate.
    /// Returns the family used; throws <see cref="UsageException"/> naming what was tried when nothing resolves.
    /// </summary>
    public static string Use(string? file)
    {
        string family;
        try
        {
            family = file is null ? Installed() : FromFile(file);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            throw new UsageException($"plot: SkiaSharp's native library did not load ({e.GetBaseException().Message}); figures need libSkiaSharp.so from the build output");
        }
        Fonts.Default = family;
        Fonts.Sans = family;
        return family;
    }

    private static string Installed()
    {
        var installed = new HashSet<string>(SKFontManager.Default.FontFamilies, StringComparer.OrdinalIgnoreCase);
        foreach (string c in Candidates)
            if (installed.Contains(c) && Fonts.GetTypeface(c, bold: false, italic: false) is { GlyphCount: > 0 }) return c;
        throw new UsageException($"plot: no font to draw text with: none of {string.Join(", ", Candidates)} is installed " +
                                 $"({installed.Count} font families found); install one (e.g. fonts-dejavu-core) or pass --font FILE.ttf");
    }

    private static string FromFile(string file)
    {
        if (!File.Exists(file)) throw new UsageException($"--font: {file}: no such file");
        using var probe = SKTypeface.FromFile(file);
        if (probe is not { GlyphCount: > 0 }) throw new UsageException($"--font: {file}: not a font SkiaSharp can read (TTF or OTF)");
        Fonts.AddFontFile(FileFamily, file);
        return FileFamily;
    }
}
