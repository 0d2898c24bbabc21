namespace SmtpProbeHub.Agent.ProbeCommand;

/// <summary>What <c>probe</c> returns to the shell, so scripts can branch on it.</summary>
internal static class ExitCodes
{
    /// <summary>Every step ended as expected.</summary>
    public const int Passed = 0;

    /// <summary>The probe ran and a step failed (see the diagnosis).</summary>
    public const int Failed = 1;

    /// <summary>The options or the plan were invalid: nothing was sent.</summary>
    public const int InvalidInput = 2;
}
