using System.Reflection;
using PolicyStress.Engine;
using PolicyStress.Linux;

namespace PolicyStress.Conformance.Tests;

/// <summary>
/// The engine's errno table (what its syscalls return) and the Linux project's (what the real calls
/// return): conformance compares the two sides' answers by name, so the tables must agree name for name.
/// </summary>
public sealed class ErrnoTests
{
    private static Dictionary<string, int> Table(Type type, Func<string, bool> keep) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int) && keep(f.Name))
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

    private static Dictionary<string, int> EngineTable() => Table(typeof(Errno), _ => true);

    private static Dictionary<string, int> LinuxTable() =>
        Table(typeof(LinuxConstants), n => n.Length > 1 && n[0] == 'E' && n.All(char.IsAsciiLetterUpper));

    [Fact]
    public void EngineAndLinuxErrnoTablesHoldTheSameNamesAndValues()
    {
        var engine = EngineTable();
        var linux = LinuxTable();
        Assert.NotEmpty(engine);
        Assert.Equal(engine.OrderBy(e => e.Key), linux.OrderBy(e => e.Key));
    }

    [Fact]
    public void ErrnoNameSpellsEveryValueOfTheTable()
    {
        foreach (var (name, value) in EngineTable())
        {
            Assert.Equal(name, Errno.Name(value));
            Assert.Equal(name, Errno.Name(-value));
        }
    }
}
