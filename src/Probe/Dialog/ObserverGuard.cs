namespace SmtpProbeHub.Probe.Dialog;

/// <summary>
/// Observers are the caller's code (SSE writers, gRPC streams). A failing observer must not end or
/// corrupt the probe, whose result is still returned in full.
/// </summary>
internal static class ObserverGuard
{
    public static void Call(Action notify)
    {
        try
        {
            notify();
        }
#pragma warning disable CA1031 // deliberately broad: see the type's comment
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
