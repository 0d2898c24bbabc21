namespace SmtpProbeHub.TestSupport.Waiting;

/// <summary>
/// The one "poll until" of the tests, for states nothing announces (a file appears, a peer counts a connection, an agent
/// is listed online). Whatever has an event — a probe's end (<c>?wait</c>, its SSE stream), a process's output line —
/// is waited on through that event instead.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Reads until <paramref name="until"/> holds for what was read and returns that; throws a <see cref="TimeoutException"/>
    /// saying what was last read (and <paramref name="explain"/>'s words) when it does not within the time.
    /// </summary>
    public static async Task<T> ReadAsync<T>(
        Func<Task<T>> read, Func<T, bool> until, TimeSpan? within = null, TimeSpan? every = null, Func<string>? explain = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow + (within ?? DefaultWithin);
        while (true)
        {
            var value = await read();
            if (until(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"not as expected within {(within ?? DefaultWithin).TotalSeconds:0.#} s; last: {Describe(value)}{(explain is null ? "" : "\n" + explain())}");
            }

            await Task.Delay(every ?? DefaultEvery, cancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; throws when it does not within the time.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan? within = null, TimeSpan? every = null, Func<string>? explain = null) =>
        ReadAsync(condition, holds => holds, within, every, explain);

    /// <summary>Waits until <paramref name="condition"/> holds; throws when it does not within the time.</summary>
    public static Task TrueAsync(Func<bool> condition, TimeSpan? within = null, TimeSpan? every = null, Func<string>? explain = null) =>
        ReadAsync(() => Task.FromResult(condition()), holds => holds, within, every, explain);

    private static string Describe<T>(T value) => value switch
    {
        string text => text,
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>()) + "]",
        _ => $"{value}",
    };
}
