using System.Globalization;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>Short human forms of rates and times for the console (the CSV keeps full values).</summary>
internal static class Numbers
{
    public static string Rate(double v) => v switch
    {
        >= 1e9 => (v / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + "G",
        >= 1e6 => (v / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (v / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        _ => v.ToString("0", CultureInfo.InvariantCulture),
    };

    public static string Ns(double ns) => ns >= 1e6
        ? (ns / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " ms"
        : ns >= 1e3 ? (ns / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " us" : ns.ToString("0", CultureInfo.InvariantCulture) + " ns";

    public static string Ratio(double v) => v.ToString("0.00", CultureInfo.InvariantCulture) + "x";
}
