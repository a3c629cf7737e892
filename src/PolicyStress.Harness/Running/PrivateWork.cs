using System.Globalization;

namespace PolicyStress.Harness.Running;

/// <summary>How <c>--private-work</c> sets the kernel-shaped costs' calibrated private work.</summary>
public enum PrivateWorkMode
{
    /// <summary>Measure the real kernel's single-task fault at run start; the documented default where the kernel refuses.</summary>
    Auto,
    /// <summary>Use the documented default real fault cost (<see cref="FaultCostCalibration.DefaultRealFaultNs"/>).</summary>
    Default,
    /// <summary>Spend the given nanoseconds of private work per allocating fault, whatever the kernel costs.</summary>
    Given,
}

/// <summary><c>--private-work auto|default|N</c>: the mode, and the nanoseconds for <see cref="PrivateWorkMode.Given"/>.</summary>
public readonly record struct PrivateWorkSetting(PrivateWorkMode Mode, int Ns = 0)
{
    public static PrivateWorkSetting Auto => new(PrivateWorkMode.Auto);

    /// <summary>"auto", "default" or a whole number of nanoseconds (0 or more); false for anything else.</summary>
    public static bool TryParse(string s, out PrivateWorkSetting setting)
    {
        string t = s.Trim();
        setting = Auto;
        if (t.Equals("auto", StringComparison.OrdinalIgnoreCase)) return true;
        if (t.Equals("default", StringComparison.OrdinalIgnoreCase)) { setting = new(PrivateWorkMode.Default); return true; }
        if (t.EndsWith("ns", StringComparison.OrdinalIgnoreCase)) t = t[..^2];
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int ns)) { setting = new(PrivateWorkMode.Given, ns); return true; }
        return false;
    }

    public override string ToString() => Mode switch
    {
        PrivateWorkMode.Auto => "auto",
        PrivateWorkMode.Default => "default",
        _ => Ns.ToString(CultureInfo.InvariantCulture),
    };
}
