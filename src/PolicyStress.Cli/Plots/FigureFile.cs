using ScottPlot;

namespace PolicyStress.Cli.Plots;

/// <summary>Writes a figure whole or not at all: to a temporary name, renamed when complete (PNG, and SVG when asked).</summary>
internal static class FigureFile
{
    public const int Width = 1200, Height = 600;

    /// <summary>Save <paramref name="plot"/> as <c>dir/name.png</c> (and <c>.svg</c>); returns the paths written.</summary>
    public static List<string> Save(Plot plot, string dir, string name, bool svg, int width = Width, int height = Height)
    {
        string png = Path.Combine(dir, name + ".png");
        Write(png, tmp => File.WriteAllBytes(tmp, plot.GetImageBytes(width, height, ImageFormat.Png)));
        if (!svg) return [png];
        string path = Path.Combine(dir, name + ".svg");
        Write(path, tmp => File.WriteAllText(tmp, plot.GetSvgXml(width, height)));
        return [png, path];
    }

    private static void Write(string path, Action<string> write)
    {
        string tmp = path + ".tmp";
        write(tmp);
        File.Move(tmp, path, overwrite: true);
    }
}
