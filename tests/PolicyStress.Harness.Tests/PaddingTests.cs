using System.Reflection;
using System.Runtime.InteropServices;
using PolicyStress.Engine;
using PolicyStress.Harness.Running;

namespace PolicyStress.Harness.Tests;

/// <summary>
/// The padding convention of <see cref="CacheLine"/>, checked over every explicit-layout struct of the
/// engine and the harness, so a padded type added later cannot quietly pick its own.
/// </summary>
public sealed class PaddingTests
{
    public static TheoryData<Type> PaddedStructs()
    {
        var data = new TheoryData<Type>();
        foreach (var asm in new[] { typeof(CacheLine).Assembly, typeof(PaddedSlot).Assembly })
            foreach (var t in asm.GetTypes())
                if (t.IsValueType && t.StructLayoutAttribute?.Value == LayoutKind.Explicit) data.Add(t);
        return data;
    }

    [Fact]
    public void TheEngineAndTheHarnessHavePaddedStructs() => Assert.True(PaddedStructs().Count >= 6);

    [Theory]
    [MemberData(nameof(PaddedStructs))]
    public void PaddedStructsPutEachFieldInTheFirstHalfOfALineAfterALineOfPadding(Type type)
    {
        int size = type.StructLayoutAttribute!.Size;
        Assert.True(size % CacheLine.Size == 0, $"{type.Name}: {size} bytes is not a multiple of {CacheLine.Size}");
        foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            int offset = f.GetCustomAttribute<FieldOffsetAttribute>()!.Value;
            Assert.True(offset >= CacheLine.Size, $"{type.Name}.{f.Name} at {offset}: no line of padding before it");
            Assert.True(offset % CacheLine.Size + Marshal.SizeOf(f.FieldType) <= CacheLine.Size / 2,
                $"{type.Name}.{f.Name} at {offset}: past the first half of its line");
        }
    }
}
