namespace PolicyStress.Engine.Policies;

/// <summary>enum mempolicy_mode (include/uapi/linux/mempolicy.h). 2007 kernels had only 0..3.</summary>
public enum MempolicyMode : ushort
{
    Default = 0,
    Preferred = 1,
    Bind = 2,
    Interleave = 3,
    Local = 4,
    PreferredMany = 5,
    WeightedInterleave = 6,
}

/// <summary>The mode, mode-flag, internal-flag, mbind and get_mempolicy flag bits of the kernel ABI.</summary>
public static class MpolFlags
{
    /// <summary>MPOL_MAX: the first invalid mode.</summary>
    public const int MaxMode = 7;

    // Mode flags, or'ed into the mode argument of mbind/set_mempolicy.
    public const ushort StaticNodes = 1 << 15;
    public const ushort RelativeNodes = 1 << 14;
    public const ushort NumaBalancing = 1 << 13;
    public const ushort ModeFlags = StaticNodes | RelativeNodes | NumaBalancing;

    // Internal flags kept in Mempolicy.Flags next to the mode flags (bit 0 up).
    /// <summary>MPOL_F_SHARED: the policy lives in a shared policy tree; users drop their lookup reference.</summary>
    public const ushort Shared = 1 << 0;
    public const ushort Mof = 1 << 3;
    public const ushort Moron = 1 << 4;

    // mbind flags.
    public const uint MfStrict = 1 << 0;
    public const uint MfMove = 1 << 1;
    public const uint MfMoveAll = 1 << 2;
    public const uint MfValid = MfStrict | MfMove | MfMoveAll;

    // get_mempolicy flags.
    public const uint FNode = 1 << 0;
    public const uint FAddr = 1 << 1;
    public const uint FMemsAllowed = 1 << 2;
}
