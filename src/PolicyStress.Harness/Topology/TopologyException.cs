namespace PolicyStress.Harness.Topology;

/// <summary>
/// A topology or placement the harness cannot provide as asked: an unknown placement, a node without an
/// allowed CPU, a virtual split the allowed CPUs cannot hold. The message is one line naming the value and
/// what is accepted, and not the option it came from: the caller knows that and says it.
/// </summary>
public sealed class TopologyException(string message) : Exception(message);
