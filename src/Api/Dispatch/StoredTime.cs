namespace SmtpProbeHub.Api.Dispatch;

/// <summary>
/// Storage keeps times to the millisecond. The dispatcher answers from the records it holds in memory (no
/// read-back after the last write), so it takes its times at that precision too: what POST ?wait and the live
/// events show is then exactly what a later GET reads from storage.
/// </summary>
internal static class StoredTime
{
    public static DateTimeOffset Now(TimeProvider time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
